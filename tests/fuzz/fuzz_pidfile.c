/* fuzz-sources: core/pidfile.c
 * pidfile_parse against the rule it promises (dpkg's fscanf("%d"): optional
 * white space and '+', digits, a value in 1..INT_MAX), with strtoll on a
 * NUL-terminated copy as the oracle. The input buffer is exactly the file's
 * bytes, so a read past len is an ASan error. */
#include <errno.h>
#include <limits.h>

#include "fuzz_common.h"
#include "pidfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1), *copy, *end;
	pid_t pid = -12345;
	long long want;
	int got, ok;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	got = pidfile_parse(buf, size, &pid);

	/* The oracle reads up to the first NUL, like the parser, which stops at
	 * any byte that is neither white space, a sign nor a digit. */
	copy = fuzz_strndup(data, size);
	errno = 0;
	want = strtoll(copy, &end, 10);
	ok = end != copy && errno != ERANGE && want > 0 && want <= INT_MAX;
	/* strtoll takes "-5" as a number; the parser refuses any '-', and so
	 * does "want > 0". */
	FUZZ_CHECK((got == 0) == ok);
	if (got == 0)
		FUZZ_CHECK(pid == (pid_t)want && pid > 0);
	else
		FUZZ_CHECK(got == -1 && pid == -12345);
	free(copy);
	free(buf);
	return 0;
}
