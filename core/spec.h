#ifndef ISOBOX_SPEC_H
#define ISOBOX_SPEC_H

/* Parsers for start-stop-daemon's option values (signals, --retry
 * schedules, scheduling policies, user:group specs). Pure: they return a
 * code and never print, so tests/fuzz harnesses can drive them. The
 * grammar is dpkg 1.21's (shared/reference/start-stop-daemon.md §1.5, §1.6). */

/* dpkg's parse_unsigned: strtol(base) of the whole string (leading blanks
 * and a sign allowed, as strtol does), result in 0..INT_MAX; -1 otherwise. */
int spec_uint(const char *s, int base, int *out);

/* A signal: a number, or one of dpkg's 19 names without "SIG". -1 if not. */
int spec_signal(const char *s, int *sig);
/* Name of a signal for messages ("TERM"), or NULL. */
const char *spec_signal_name(int sig);

enum sched_type { SCHED_TIMEOUT, SCHED_SIGNAL, SCHED_GOTO };
struct sched_item {
	int type;  /* enum sched_type */
	int value; /* seconds, signal number, or index to go back to */
};

enum sched_error {
	SCHED_OK = 0,
	SCHED_NOT_TIMEOUT,   /* "--retry takes timeout, or schedule list ..." */
	SCHED_BAD_TIMEOUT,   /* "invalid timeout value in schedule" */
	SCHED_BAD_ITEM,      /* "invalid schedule item (must be ..." */
	SCHED_TOO_LONG,      /* "invalid schedule item: far too long ..." */
	SCHED_FOREVER_TWICE, /* "invalid schedule: 'forever' appears more than once" */
	SCHED_FOREVER_LAST,  /* "invalid schedule: 'forever' appears last, ..." */
};

/* Items needed for s (what spec_schedule may write). */
int spec_schedule_len(const char *s);
/* Parse a --retry value; sig is the --signal to use for the TIMEOUT form.
 * out has room for spec_schedule_len(s) items; *n receives the count. */
int spec_schedule(const char *s, int sig, struct sched_item *out, int *n);
const char *spec_schedule_strerror(int err);

/* --procsched POLICY[:PRIO] and --iosched CLASS[:PRIO]. */
enum spec_prio_error {
	PRIO_OK = 0,
	PRIO_BAD_NUMBER, /* fatal in dpkg ("invalid ... priority"), exit 2 */
	PRIO_BAD_NAME,   /* usage ("invalid ... policy") */
	PRIO_TOO_LOW,    /* usage ("... priority less than min") */
	PRIO_TOO_HIGH,   /* usage ("... priority greater than max") */
};
struct spec_prio {
	char name[16]; /* as given, for --test's message */
	int policy;    /* SCHED_* or IOPRIO class */
	int prio;
};
int spec_procsched(const char *s, struct spec_prio *out);
int spec_iosched(const char *s, struct spec_prio *out);

/* --chuid USER[:GROUP]: USER copied into user (cap bytes), *group set to
 * what follows ':' or NULL. -1 with ENAMETOOLONG, or EINVAL for "USER:"
 * (dpkg: "missing group name"). */
int spec_user_group(const char *s, char *user, unsigned long cap, const char **group);

#endif
