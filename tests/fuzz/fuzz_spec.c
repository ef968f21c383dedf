/* fuzz-sources: core/spec.c
 * start-stop-daemon's value grammars (core/spec.c). The first byte picks the
 * parser, the rest is the option value. spec_uint is checked against strtol,
 * which dpkg uses; the schedule against its own invariants (item count within
 * spec_schedule_len, a "forever" jump inside the schedule, positive timeouts
 * or signals); a signal's name and number round trip through
 * spec_signal_name; spec_user_group against its contract with buffers of
 * exactly the right size, one byte short, and a size from the input; the
 * others must not crash and keep their outputs in range. */
#include <errno.h>
#include <limits.h>

#include "fuzz_common.h"
#include "spec.h"

/* name -> number -> name for a name, number -> name -> number for a number
 * that has one (dpkg's 19 names are 19 distinct signals). */
static void check_signal(const char *s)
{
	const char *name;
	int sig = -1, again = -1, number;

	if (spec_signal(s, &sig) < 0)
		return;
	FUZZ_CHECK(sig >= 0);
	name = spec_signal_name(sig);
	if (spec_uint(s, 10, &number) < 0) { /* a name */
		FUZZ_CHECK(name && !strcmp(name, s));
	} else {
		FUZZ_CHECK(sig == number);
	}
	if (name) {
		FUZZ_CHECK(*name && strlen(name) < 5 && spec_signal(name, &again) == 0 && again == sig);
	}
}

/* USER[:GROUP] into a buffer of CAP bytes, allocated to the byte, so that a
 * write past it is an ASan error. */
static void check_user_group(const char *s, size_t cap)
{
	size_t len = strcspn(s, ":");
	char *user = malloc(cap ? cap : 1);
	const char *group = (const char *)1;
	int rc;

	if (!user)
		abort();
	errno = 0;
	rc = spec_user_group(s, user, cap, &group);
	if (len >= cap) {
		FUZZ_CHECK(rc == -1 && errno == ENAMETOOLONG);
	} else if (s[len] == ':' && !s[len + 1]) {
		FUZZ_CHECK(rc == -1 && errno == EINVAL);
	} else {
		FUZZ_CHECK(rc == 0 && strlen(user) == len && !memcmp(user, s, len));
		FUZZ_CHECK(group == (s[len] ? s + len + 1 : NULL));
	}
	free(user);
}

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
	int which, n, i;
	size_t len;

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
		check_signal(s);
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
		len = strcspn(s, ":");
		check_user_group(s, len + 1); /* exactly enough */
		check_user_group(s, len);     /* one byte short */
		check_user_group(s, size % 40);
		break;
	}
	free(s);
	return 0;
}
