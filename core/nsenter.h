#ifndef ISOBOX_NSENTER_H
#define ISOBOX_NSENTER_H

#include <sched.h>
#include <signal.h>
#include <sys/types.h>

/* Entering the namespaces of a running process (nsenter-lite). Everything is
 * opened first, then entered in two passes, the user namespace in the second
 * (shared/reference/nsenter.md §2.1-2.3). Functions return -1 with errno set
 * and never print. */

/* The types in util-linux's order (sys-utils/nsenter.c). */
enum { NSE_USER, NSE_CGROUP, NSE_IPC, NSE_UTS, NSE_NET, NSE_PID, NSE_MNT, NSE_TIME, NSE_TYPES };

struct nse_type {
	char name[7]; /* as in /proc/PID/ns/ */
	int flag;     /* CLONE_NEW* */
};
extern const struct nse_type nse_types[NSE_TYPES];

struct nse {
	int fd[NSE_TYPES]; /* a namespace file to enter, or -1 */
	int pidfd;         /* -1, or the target's pidfd ... */
	int pidfd_flags;   /* ... and the CLONE_NEW* types to enter through it */
};

/* All fds -1, no flags. */
void nse_init(struct nse *e);

/* 1 when setns(2) accepts a pidfd (Linux 5.8). pidfd_open exists from 5.3,
 * so its success proves nothing (util-linux PR#3269): ask uname(2). */
int nse_pidfd_setns_works(void);
/* 1 when the process behind pidfd has exited (a zombie included), else 0. */
int nse_exited(int pidfd);

/* open("/proc/PID/NAME", flags | O_CLOEXEC). */
int nse_proc_open(pid_t pid, const char *name, int flags);

/* Whether the namespace of type t of process pid differs from the caller's:
 * 1 differs, 0 same or not supported by this kernel, -1 on error. */
int nse_differs(pid_t pid, int t);

/* Enter e's namespaces: pass 1 all but the user namespace, failures kept for
 * pass 2, which enters the user namespace and retries them: root dropping into
 * a container needs the user namespace last, an unprivileged owner needs it
 * first (util-linux 854d0fef7, GH#315). 0, or -1 with errno and *failed set to
 * the CLONE_NEW* types of the call that failed; nothing more is tried then. */
int nse_enter(const struct nse *e, int *failed);

/* The environment list in the NUL-separated content of fd (/proc/PID/environ),
 * parsed within the bytes read; entries without '=' are dropped. NULL with
 * errno on failure. Meant to become environ: never freed. */
char **nse_read_env(int fd);

/* Parent side after forking child: signals in set are blocked by the caller;
 * each one but SIGCHLD is forwarded to child; a stop of child stops us, and
 * our continuation continues it (util-linux continue_as_child). Returns when
 * child has ended, with its status in *wstatus; -1 with errno on failure. */
int nse_wait_child(pid_t child, const sigset_t *set, int *wstatus);

#endif
