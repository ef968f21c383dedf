/* fuzz-sources: core/spec.c
 * start-stop-daemon's value grammars (core/spec.c). The first byte picks the
 * parser, the rest is the option value. spec_uint is checked against strtol,
 * which dpkg uses; the schedule against its own invariants (item count within
 * spec_schedule_len, a "forever" jump inside the schedule, positive timeouts
 * or signals); the others must not crash and keep their outputs in range. */
#include <errno.h>
#include <limits.h>

#include "fuzz_common.h"
#include "spec.h"

static void check_uint(const char *s, int base)
{
	char *end;
	long want;
	int got = -7, rc, ok;

	errno = 0;
	want = strtol(s, &end, base);
	ok = end != s && !*end && errno != ERANGE && want >= 0 && want <= INT_MAX;
	rc = spec_uint(s, base, &got);
	FUZZ_CHECK((rc == 0) == ok);
	if (ok)
		FUZZ_CHECK(got == (int)want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, user[32];
	const char *group;
	struct spec_prio prio;
	int which, n, i, sig;

	if (!size)
		return 0;
	which = data[0] % 6;
	s = fuzz_strndup(data + 1, size - 1);
	switch (which) {
	case 0:
		check_uint(s, 10);
		check_uint(s, 0);
		break;
	case 1:
		if (spec_signal(s, &sig) == 0)
			FUZZ_CHECK(sig >= 0);
		break;
	case 2: {
		int len = spec_schedule_len(s);
		struct sched_item *items = calloc((size_t)len, sizeof *items);
		if (!items)
			abort();
		n = -1;
		if (spec_schedule(s, 15, items, &n) == 0) {
			FUZZ_CHECK(n >= 1 && n <= len);
			for (i = 0; i < n; i++) {
				FUZZ_CHECK(items[i].type == SCHED_TIMEOUT || items[i].type == SCHED_SIGNAL ||
				           items[i].type == SCHED_GOTO);
				FUZZ_CHECK(items[i].value >= 0);
				if (items[i].type == SCHED_GOTO)
					FUZZ_CHECK(i == n - 1 && items[i].value < i);
			}
		} else {
			FUZZ_CHECK(spec_schedule_strerror(spec_schedule(s, 15, items, &n)) != NULL);
		}
		free(items);
		break;
	}
	case 3:
		if (spec_procsched(s, &prio) == PRIO_OK)
			FUZZ_CHECK(prio.prio >= 0 && prio.prio <= 99 && strlen(prio.name) < sizeof prio.name);
		break;
	case 4:
		if (spec_iosched(s, &prio) == PRIO_OK)
			FUZZ_CHECK(prio.policy >= 1 && prio.policy <= 3 && prio.prio >= 0 && prio.prio <= 7);
		break;
	default:
		if (spec_user_group(s, user, sizeof user, &group) == 0) {
			FUZZ_CHECK(strlen(user) < sizeof user && !strchr(user, ':'));
			FUZZ_CHECK(!group || (*group && group > s && group[-1] == ':'));
		}
		break;
	}
	free(s);
	return 0;
}
