/* start-stop-daemon's value grammars, kept apart from the applet so that a
 * fuzz harness reaches them without running anything. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#include "spec.h"

int spec_uint(const char *s, int base, int *out)
{
	unsigned long v = 0;
	int neg = 0, digits = 0;

	/* strtol's grammar (blanks, sign, 0x/0 with base 0) without its ~2 KB. */
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (base == 0) {
		base = 10;
		if (s[0] == '0') {
			base = 8;
			if ((s[1] | 32) == 'x' && ((s[2] >= '0' && s[2] <= '9') || ((s[2] | 32) >= 'a' && (s[2] | 32) <= 'f'))) {
				base = 16;
				s += 2;
			}
		}
	}
	for (;; s++, digits++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : (*s | 32) >= 'a' && (*s | 32) <= 'z' ? (*s | 32) - 'a' + 10 : 99;
		if (d >= base)
			break;
		v = v * (unsigned)base + (unsigned)d;
		if (v > INT_MAX)
			return -1;
	}
	if (!digits || *s || (neg && v))
		return -1;
	*out = (int)v;
	return 0;
}

/* dpkg's exact list: no SIG prefix, no real-time signals. */
static const struct {
	char name[5];
	unsigned char sig;
} signals[] = {
	{"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},
	{"ILL", SIGILL},   {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE},
	{"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"TERM", SIGTERM}, {"USR1", SIGUSR1},
	{"USR2", SIGUSR2}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
	{"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
};

int spec_signal(const char *s, int *sig)
{
	size_t i;

	if (spec_uint(s, 10, sig) == 0)
		return 0;
	for (i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (!strcmp(s, signals[i].name)) {
			*sig = signals[i].sig;
			return 0;
		}
	return -1;
}

const char *spec_signal_name(int sig)
{
	size_t i;
	for (i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

int spec_schedule_len(const char *s)
{
	int n = 1;
	for (; *s; s++)
		n += *s == '/';
	return n < 4 ? 4 : n + 1;
}

enum { ITEM_FOREVER = SCHED_GOTO + 1 };

static int schedule_item(const char *s, struct sched_item *it)
{
	if (!strcmp(s, "forever")) {
		it->type = ITEM_FOREVER;
		return SCHED_OK;
	}
	/* dpkg: a leading digit makes it a timeout, so "0/30/KILL/5" waits 0 s. */
	if (*s >= '0' && *s <= '9') {
		it->type = SCHED_TIMEOUT;
		return spec_uint(s, 10, &it->value) ? SCHED_BAD_TIMEOUT : SCHED_OK;
	}
	it->type = SCHED_SIGNAL;
	return spec_signal(s + (*s == '-'), &it->value) ? SCHED_BAD_ITEM : SCHED_OK;
}

int spec_schedule(const char *s, int sig, struct sched_item *out, int *n)
{
	char item[20];
	int count = 0, repeat = -1, rc;

	if (!strchr(s, '/')) {
		out[0].type = SCHED_SIGNAL;
		out[0].value = sig;
		rc = schedule_item(s, &out[1]);
		if (rc == SCHED_OK && out[1].type != SCHED_TIMEOUT)
			rc = SCHED_NOT_TIMEOUT;
		if (rc)
			return rc;
		out[2].type = SCHED_SIGNAL;
		out[2].value = SIGKILL;
		out[3] = out[1];
		*n = 4;
		return SCHED_OK;
	}
	/* Unlike dpkg, a trailing "/" is an empty item (dpkg hits an internal
	 * assertion, "count != schedule_length"). */
	for (;;) {
		size_t len = strcspn(s, "/");
		if (len >= sizeof item)
			return SCHED_TOO_LONG;
		memcpy(item, s, len);
		item[len] = 0;
		rc = schedule_item(item, &out[count]);
		if (rc)
			return rc;
		if (out[count].type == ITEM_FOREVER) {
			if (repeat >= 0)
				return SCHED_FOREVER_TWICE;
			repeat = count;
		} else {
			count++;
		}
		if (!s[len])
			break;
		s += len + 1;
	}
	if (repeat == count)
		return SCHED_FOREVER_LAST;
	if (repeat >= 0) {
		out[count].type = SCHED_GOTO;
		out[count++].value = repeat;
	}
	*n = count;
	return SCHED_OK;
}

const char *spec_schedule_strerror(int err)
{
	switch (err) {
	case SCHED_NOT_TIMEOUT:
		return "--retry takes timeout, or schedule list of at least two items";
	case SCHED_BAD_TIMEOUT:
		return "invalid timeout value in schedule";
	case SCHED_TOO_LONG:
		return "invalid schedule item: far too long (you must delimit items with slashes)";
	case SCHED_FOREVER_TWICE:
		return "invalid schedule: 'forever' appears more than once";
	case SCHED_FOREVER_LAST:
		return "invalid schedule: 'forever' appears last, nothing to repeat";
	default:
		return "invalid schedule item (must be [-]<signal-name>, -<signal-number>, "
		       "<timeout> or 'forever'";
	}
}

static int split_prio(const char *s, struct spec_prio *out, int prio)
{
	size_t len = strcspn(s, ":");

	if (len >= sizeof out->name)
		len = sizeof out->name - 1;
	memcpy(out->name, s, len);
	out->name[len] = 0;
	out->prio = prio;
	s += strcspn(s, ":");
	if (*s == ':' && spec_uint(s + 1, 10, &out->prio))
		return PRIO_BAD_NUMBER;
	return PRIO_OK;
}

int spec_procsched(const char *s, struct spec_prio *out)
{
	int rc = split_prio(s, out, 0);

	if (rc)
		return rc;
	if (!strcmp(out->name, "other")) {
		out->policy = SCHED_OTHER;
		out->prio = 0;
	} else if (!strcmp(out->name, "fifo")) {
		out->policy = SCHED_FIFO;
	} else if (!strcmp(out->name, "rr")) {
		out->policy = SCHED_RR;
	} else {
		return PRIO_BAD_NAME;
	}
	if (out->prio < sched_get_priority_min(out->policy))
		return PRIO_TOO_LOW;
	if (out->prio > sched_get_priority_max(out->policy))
		return PRIO_TOO_HIGH;
	return PRIO_OK;
}

int spec_iosched(const char *s, struct spec_prio *out)
{
	int rc = split_prio(s, out, 4);

	if (rc)
		return rc;
	if (!strcmp(out->name, "real-time")) {
		out->policy = 1;
	} else if (!strcmp(out->name, "best-effort")) {
		out->policy = 2;
	} else if (!strcmp(out->name, "idle")) {
		out->policy = 3;
		out->prio = 7;
	} else {
		return PRIO_BAD_NAME;
	}
	return out->prio > 7 ? PRIO_TOO_HIGH : PRIO_OK;
}

int spec_user_group(const char *s, char *user, unsigned long cap, const char **group)
{
	size_t len = strcspn(s, ":");

	if (len >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(user, s, len);
	user[len] = 0;
	*group = NULL;
	if (s[len] == ':') {
		if (!s[len + 1]) {
			errno = EINVAL;
			return -1;
		}
		*group = s + len + 1;
	}
	return 0;
}
