/* fuzz-sources: core/err.c
 * parse_long, the strict decimal parser behind every numeric option, against
 * strtol: the input's first byte picks the range, the rest is the string. */
#include <errno.h>
#include <limits.h>

#include "err.h"
#include "fuzz_common.h"

static const long ranges[][2] = {
	{LONG_MIN, LONG_MAX},
	{0, INT_MAX},
	{1, 65535},
	{-20, 19},
};

/* What parse_long promises to accept: [+-]?[0-9]+, nothing else. */
static int strict_decimal(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* "[+-]?[0-9]+" at the start of s, too big for a long. */
static int leading_number_overflows(const char *s)
{
	const char *digits = s + (*s == '+' || *s == '-');
	char *end;

	if (*digits < '0' || *digits > '9')
		return 0;
	errno = 0;
	(void)strtol(s, &end, 10);
	return errno == ERANGE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const long *r;
	char *s, *end;
	long out = 12345, want;
	int got, err;

	if (size < 1)
		return 0;
	r = ranges[data[0] & 3];
	s = fuzz_strndup(data + 1, size - 1);
	errno = 0;
	got = parse_long(s, r[0], r[1], &out);
	err = errno;
	if (!strict_decimal(s)) {
		/* Overflow is seen before trailing garbage ("99999999999999999999x"),
		 * as with strtol: ERANGE is right if the leading number overflows. */
		FUZZ_CHECK(got == -1 && out == 12345);
		FUZZ_CHECK(err == EINVAL || (err == ERANGE && leading_number_overflows(s)));
	} else {
		errno = 0;
		want = strtol(s, &end, 10);
		FUZZ_CHECK(*end == 0);
		if (errno == ERANGE || want < r[0] || want > r[1])
			FUZZ_CHECK(got == -1 && err == ERANGE && out == 12345);
		else
			FUZZ_CHECK(got == 0 && out == want);
	}
	free(s);
	return 0;
}
