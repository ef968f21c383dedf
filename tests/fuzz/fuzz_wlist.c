/* fuzz-sources: core/mount.c core/ns.c core/err.c core/reaper.c core/sys.c
 * mnt_list_count and mnt_list_split, encapsulate's writable list 'W1|W2|...',
 * against a model of its specification: '' has no entry; otherwise the
 * elements between '|' are the entries, in order, cut in place; any empty
 * element is an error with *bad = NULL (whatever else is wrong), else the
 * first element not starting with '/' is the error's *bad. */
#include <errno.h>

#include "fuzz_common.h"
#include "mount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *given = fuzz_strndup(data, size), *copy = fuzz_strndup(data, size);
	size_t len = strlen(given), n = mnt_list_count(given), want_n = len > 0, i, start;
	const char **entries, *bad = (const char *)1;
	int rc, want_rc = 0, empty = 0;
	const char *want_bad = NULL;

	for (i = 0; i < len; i++)
		want_n += given[i] == '|';
	FUZZ_CHECK(n == want_n);

	/* The model, on the original: elements start at 0 and after each '|'. */
	for (i = start = 0; want_n && i <= len; i++) {
		if (i < len && given[i] != '|')
			continue;
		if (i == start)
			empty = 1;
		else if (given[start] != '/' && !want_bad)
			want_bad = copy + start;
		start = i + 1;
	}
	if (empty)
		want_bad = NULL;
	if (empty || want_bad)
		want_rc = -1;

	/* Exactly n slots, so that a write past them is an ASan error. */
	entries = malloc(n ? n * sizeof *entries : 1);
	if (!entries)
		abort();
	errno = 0;
	rc = mnt_list_split(copy, entries, n, &bad);
	FUZZ_CHECK(rc == want_rc && bad == want_bad);
	if (rc < 0) {
		FUZZ_CHECK(errno == EINVAL);
	} else {
		/* Each entry is its element, in order, cut in place: joined with
		 * '|' they give the list back; every '|' became a NUL. */
		for (i = 0, start = 0; i < n; i++) {
			size_t elen = strlen(entries[i]);
			FUZZ_CHECK(entries[i] == copy + start && elen > 0 && entries[i][0] == '/');
			FUZZ_CHECK(!memcmp(entries[i], given + start, elen));
			FUZZ_CHECK(given[start + elen] == (i + 1 < n ? '|' : 0));
			start += elen + 1;
		}
		FUZZ_CHECK(n == 0 || start == len + 1);
		for (i = 0; i < len; i++)
			FUZZ_CHECK(copy[i] == (given[i] == '|' ? 0 : given[i]));
	}
	FUZZ_CHECK(copy[len] == 0);
	free(entries);
	free(copy);
	free(given);
	return 0;
}
