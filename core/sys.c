/* System calls without libc's thread machinery: see sys.h. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"

int sys_setresuid(uid_t r, uid_t e, uid_t s)
{
	return (int)syscall(SYS_setresuid, r, e, s);
}

int sys_setresgid(gid_t r, gid_t e, gid_t s)
{
	return (int)syscall(SYS_setresgid, r, e, s);
}

int sys_setuid(uid_t uid)
{
	return (int)syscall(SYS_setuid, uid);
}

int sys_setgid(gid_t gid)
{
	return (int)syscall(SYS_setgid, gid);
}

int sys_setgroups(size_t n, const gid_t *list)
{
	return (int)syscall(SYS_setgroups, n, list);
}

pid_t sys_fork(void)
{
	return _Fork();
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

long long sys_now_ns(void)
{
	struct timespec ts;
	/* Cannot fail for CLOCK_MONOTONIC with a valid pointer. */
	(void)syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

char *sys_getcwd(char *buf, size_t size)
{
	long n = syscall(SYS_getcwd, buf, size);
	if (n < 0)
		return NULL;
	if (n == 0 || buf[0] != '/') {
		errno = ENOENT;
		return NULL;
	}
	return buf;
}

char *sys_mkdtemp(char *template_)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(template_);
	char *x = template_ + len - 6;
	int tries;

	if (len < 6 || memcmp(x, "XXXXXX", 6)) {
		errno = EINVAL;
		return NULL;
	}
	for (tries = 0; tries < 100; tries++) {
		unsigned char r[6];
		int i;
		long got = syscall(SYS_getrandom, r, sizeof r, 0);
		if (got < 0)
			return NULL;
		if (got != (long)sizeof r)
			continue; /* interrupted: draw again */
		for (i = 0; i < 6; i++)
			x[i] = letters[r[i] % (sizeof letters - 1)];
		if (mkdir(template_, 0700) == 0)
			return template_;
		if (errno != EEXIST)
			break;
	}
	memcpy(x, "XXXXXX", 6);
	return NULL;
}
