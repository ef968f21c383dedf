#ifndef ISOBOX_SYS_H
#define ISOBOX_SYS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* System calls without the multi-thread machinery libc wraps them in.
 * isobox never starts a thread, and musl's versions cost a third of the
 * size budget: set*id and setgroups broadcast to every thread through
 * __synccall, fork takes the atfork locks (rwlocks, timed waits), the
 * clock goes through a vDSO symbol lookup, getcwd pulls in malloc. Same
 * contracts as the libc functions: -1 (NULL) with errno on failure. */
int sys_setresuid(uid_t r, uid_t e, uid_t s);
int sys_setresgid(gid_t r, gid_t e, gid_t s);
int sys_setuid(uid_t uid);
int sys_setgid(gid_t gid);
int sys_setgroups(size_t n, const gid_t *list);
/* fork(2) of a single-threaded process: libc's _Fork, which still
 * refreshes the thread id the child's libc relies on. */
pid_t sys_fork(void);
/* pidfd_open(2) (Linux 5.3), for which musl 1.2.3 has no wrapper; the
 * kernel sets O_CLOEXEC on every pidfd. */
int sys_pidfd_open(pid_t pid);
/* CLOCK_MONOTONIC now, in nanoseconds. */
long long sys_now_ns(void);
/* The working directory into buf; NULL with ENOENT when it is not
 * reachable from our root (the kernel's "(unreachable)" prefix). */
char *sys_getcwd(char *buf, size_t size);
/* mkdtemp(3): TEMPLATE ends in "XXXXXX", replaced by random letters
 * (getrandom(2)); the directory is made 0700. */
char *sys_mkdtemp(char *template_);

#endif
