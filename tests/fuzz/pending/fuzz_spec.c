/* fuzz-sources: core/spec.c
 * start-stop-daemon's option values (core/spec.c, from the ssd-isolate
 * branch): the first byte picks the parser, the rest is the string.
 *   0 --retry schedule: writes at most spec_schedule_len() items (the array
 *     is exactly that long, so ASan sees an overrun), items are well formed
 *   1 signal: a name or number; a name given back by spec_signal_name()
 *     parses to the same signal (round trip)
 *   2 --chuid USER[:GROUP]: USER fits the buffer it was given, GROUP points
 *     into the input just after the first ':'
 *   3 --procsched / --iosched, 4 spec_uint in base 8, 10, 16 */
#include <errno.h>
#include <limits.h>

#include "fuzz_common.h"
#include "spec.h"

static void schedule(const char *s)
{
	int len = spec_schedule_len(s), n = -1, i, err;
	struct sched_item *out;

	FUZZ_CHECK(len >= 0);
	out = malloc((size_t)(len ? len : 1) * sizeof *out);
	if (!out)
		abort();
	err = spec_schedule(s, 15, out, &n);
	FUZZ_CHECK(spec_schedule_strerror(err) != NULL);
	if (err == SCHED_OK) {
		FUZZ_CHECK(n >= 1 && n <= len);
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(out[i].type == SCHED_TIMEOUT || out[i].type == SCHED_SIGNAL ||
			           out[i].type == SCHED_GOTO);
			if (out[i].type == SCHED_GOTO)
				FUZZ_CHECK(out[i].value >= 0 && out[i].value < n);
			if (out[i].type == SCHED_TIMEOUT)
				FUZZ_CHECK(out[i].value >= 0);
		}
	}
	free(out);
}

static void signal_name(const char *s)
{
	int sig = -1, again = -1;
	const char *name;

	if (spec_signal(s, &sig) != 0)
		return;
	FUZZ_CHECK(sig >= 0);
	name = spec_signal_name(sig);
	if (name) {
		FUZZ_CHECK(spec_signal(name, &again) == 0 && again == sig);
	}
}

static void user_group(const char *s, unsigned long cap)
{
	char *user = malloc(cap ? cap : 1);
	const char *group = (const char *)1;
	int rc;

	if (!user)
		abort();
	rc = spec_user_group(s, user, cap, &group);
	if (rc == 0) {
		FUZZ_CHECK(cap > 0 && memchr(user, 0, cap));
		if (group) {
			FUZZ_CHECK(group > s && group <= s + strlen(s) && group[-1] == ':');
			FUZZ_CHECK(strlen(user) == (size_t)(group - 1 - s));
		} else {
			FUZZ_CHECK(!strchr(s, ':') && !strcmp(user, s));
		}
	} else {
		FUZZ_CHECK(rc == -1 && (errno == EINVAL || errno == ENAMETOOLONG));
	}
	free(user);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec_prio prio;
	char *s;
	int v;

	if (size < 2)
		return 0;
	s = fuzz_strndup(data + 2, size - 2);
	errno = 0;
	switch (data[0] % 5) {
	case 0:
		schedule(s);
		break;
	case 1:
		signal_name(s);
		break;
	case 2:
		user_group(s, data[1] % 40);
		break;
	case 3:
		if ((data[1] & 1 ? spec_iosched(s, &prio) : spec_procsched(s, &prio)) == PRIO_OK)
			FUZZ_CHECK(memchr(prio.name, 0, sizeof prio.name));
		break;
	default:
		if (spec_uint(s, data[1] % 3 == 0 ? 8 : data[1] % 3 == 1 ? 10 : 16, &v) == 0)
			FUZZ_CHECK(v >= 0);
		break;
	}
	free(s);
	return 0;
}
