/* fuzz-sources: core/ns.c core/err.c core/reaper.c core/sys.c
 * ns_parse_list, the namespace list of ssd-isolate --isolate=LIST (and of
 * nsinit's flags), against a model of its specification: a comma list of
 * known names, each name whole, no empty element; on error *bad points at
 * the first unknown element and *flags is left alone. */
#include <errno.h>
#include <sched.h>

#include "fuzz_common.h"
#include "ns.h"

#define ALL (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWCGROUP)

static const struct {
	const char *name;
	int flag;
} names[] = {
	{"pid", CLONE_NEWPID}, {"mount", CLONE_NEWNS}, {"mnt", CLONE_NEWNS}, {"ipc", CLONE_NEWIPC},
	{"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP},
	{"user", CLONE_NEWUSER}, {"time", CLONE_NEWTIME}, {"all", ALL},
};

/* The model: flags of list, or -1 with *bad at the first unknown element. */
static int model(const char *list, int *flags, const char **bad)
{
	const char *p = list;
	int f = 0;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p), i;
		int found = 0;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == len && !memcmp(names[i].name, p, len)) {
				f |= names[i].flag;
				found = 1;
			}
		if (!found) {
			*bad = p;
			return -1;
		}
		if (!end)
			break;
		p = end + 1;
	}
	*flags = f;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	const char *bad = NULL, *want_bad = NULL;
	int flags = 0x5a5a, want = 0x5a5a, got, expect;

	errno = 0;
	got = ns_parse_list(s, &flags, &bad);
	expect = model(s, &want, &want_bad);
	FUZZ_CHECK(got == expect);
	if (got == 0) {
		FUZZ_CHECK(flags == want && flags != 0);
	} else {
		FUZZ_CHECK(got == -1 && errno == EINVAL && bad == want_bad && flags == 0x5a5a);
	}
	free(s);
	return 0;
}
