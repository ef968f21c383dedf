#ifndef ISOBOX_CONFINE_H
#define ISOBOX_CONFINE_H

#include <stddef.h>
#include <sys/types.h>

/* Taking power away from a process before it runs COMMAND: capabilities,
 * no_new_privs, the terminal-injection ioctls, inherited descriptors. Each
 * returns 0, or -1 with errno set and *step naming what failed. */

/* Lower the effective set to the capabilities in KEEP (a bit mask of CAP_*
 * numbers below 64); the permitted set is left alone, so this is undone by
 * confine_drop_all only. In a user namespace the process holds every
 * capability over files of the ids it maps: with CAP_DAC_* lowered, paths
 * are looked up with the caller's own permissions. */
int confine_lower_caps(unsigned long long keep, const char **step);

/* Empty the bounding, ambient, inheritable, permitted and effective sets,
 * lock the securebits so uid 0 gains nothing at execve (SECBIT_NOROOT), set
 * no_new_privs, then read it all back: fails unless the result is exactly
 * that (fail closed). Needs CAP_SETPCAP when called. */
int confine_drop_all(const char **step);

/* The same, for a setuid-root process: in the middle (after the bounding
 * set, before the capability sets) the real, effective, saved and file-system
 * ids all become UID and GID; the supplementary groups are left as they are.
 * The caller checks the ids afterwards. Needs CAP_SETPCAP, CAP_SETUID and
 * CAP_SETGID when called. */
int confine_drop_all_as(uid_t uid, gid_t gid, const char **step);

/* A seccomp filter (needs no_new_privs) that fails ioctl(TIOCSTI) and
 * ioctl(TIOCLINUX) with EPERM, comparing the 32 bits the kernel uses so
 * high bits cannot slip past (CVE-2019-10063), for the native and the
 * compat ABI; syscalls of any other ABI fail with ENOSYS. */
int confine_block_tty_inject(const char **step);

/* Close every descriptor above 2 except those in KEEP (N of them). */
int confine_close_fds(const int *keep, size_t n, const char **step);

#endif
