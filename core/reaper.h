#ifndef ISOBOX_REAPER_H
#define ISOBOX_REAPER_H

#include <signal.h>
#include <sys/types.h>

/* The PID-1 reaper shared by nsinit, encapsulate and ssd-isolate --isolate:
 * spawn COMMAND, reap every child, forward signals, notify, shut down.
 *
 * Rules (docs/nsinit.1): all signals are blocked before anything else
 * (reaper_block_signals at the top of main) and consumed through a signalfd,
 * so nothing is lost and no handler ever leaks into COMMAND; COMMAND gets the
 * caller's original mask back and inherits the caller's ignored signals. */

#define REAPER_PGROUP 1u          /* COMMAND leads its own process group; forward to the group */
#define REAPER_EXIT_WITH_CHILD 2u /* return when COMMAND exits: TERM the rest, KILL after grace */
#define REAPER_VERBOSE 4u         /* say what happens on stderr */
#define REAPER_FOREGROUND 8u      /* with PGROUP: give COMMAND's group the terminal; only
                                   * when the caller held it (decided before any new PID
                                   * namespace, where tcgetpgrp and getpgrp both read 0) */

struct reaper {
	char *const *argv;          /* COMMAND and its arguments; PATH search like execvp */
	const sigset_t *child_mask; /* mask COMMAND starts with (the caller's original) */
	int notify_fd;              /* -1, or written once when COMMAND exits, then closed:
	                             * "exit N\n" or "signal N\n" (N decimal) */
	unsigned flags;             /* REAPER_* */
	unsigned grace_ms;          /* TERM-to-KILL grace for shutdown; 0 = KILL at once */
	const char *who;            /* applet name for messages */
	/* Optional: run in the child after fork, before exec. Returns 0, or -1
	 * after printing its own one-line message (the child then exits 125). */
	int (*child_setup)(void *arg);
	void *child_arg;
};

/* Block every signal, libc-internal ones included (musl's sigfillset leaves
 * out 32..34: a `kill -RTMIN` would kill us); store the previous mask in
 * *old. Also puts an inherited SIGCHLD ignore back to default (else the
 * kernel reaps our children itself and we never learn COMMAND's status);
 * reaper_run hands the ignore back to COMMAND. */
int reaper_block_signals(sigset_t *old);
/* The set of every signal, for sigprocmask and signalfd. */
void reaper_all_signals(sigset_t *set);
/* Whether a signal we read was one we caused ourselves (a write to a closed
 * pipe raises SIGPIPE in the writer): never to be forwarded. */
int reaper_self_inflicted(int pid, int code);
/* Whether a signal the terminal sent to our whole foreground process group
 * (Ctrl-C, Ctrl-\\, Ctrl-Z, window size) already reached a process that shares
 * our group: forwarding it too would deliver it twice. */
int reaper_from_our_terminal(int code);

/* Spawn COMMAND and reap until no child is left (or, with
 * REAPER_EXIT_WITH_CHILD, until COMMAND is gone and the rest is killed).
 * Becomes a child subreaper when not PID 1, and sits in "/" while it waits.
 * SIGTERM starts a shutdown: TERM to COMMAND (and, as PID 1, to every process
 * of the namespace), KILL what is left after grace_ms.
 * Returns COMMAND's exit code (0..255, or 128+N for signal N; 126/127 when it
 * could not be executed), or 125 if the reaper itself failed (message
 * printed). Never exits. */
int reaper_run(const struct reaper *r);

#endif
