/* Entering another process's namespaces: open first, enter in two passes,
 * wait for the forked child (shared/reference/nsenter.md). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "ns.h" /* CLONE_NEWTIME, CLONE_NEWCGROUP for old headers */
#include "nsenter.h"
#include "reaper.h"

const struct nse_type nse_types[NSE_TYPES] = {
	{"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC},
	{"uts", CLONE_NEWUTS},   {"net", CLONE_NEWNET},       {"pid", CLONE_NEWPID},
	{"mnt", CLONE_NEWNS},    {"time", CLONE_NEWTIME},
};

void nse_init(struct nse *e)
{
	int i;
	for (i = 0; i < NSE_TYPES; i++)
		e->fd[i] = -1;
	e->pidfd = -1;
	e->pidfd_flags = 0;
}

static unsigned long leading_number(const char **s)
{
	unsigned long v = 0;
	while (**s >= '0' && **s <= '9')
		v = v * 10 + (unsigned long)(*(*s)++ - '0');
	return v;
}

int nse_pidfd_setns_works(void)
{
	struct utsname u;
	const char *s = u.release;
	unsigned long major, minor = 0;

	if (uname(&u) < 0)
		return 0;
	major = leading_number(&s);
	if (*s == '.') {
		s++;
		minor = leading_number(&s);
	}
	return major > 5 || (major == 5 && minor >= 8);
}


int nse_exited(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

int nse_proc_open(pid_t pid, const char *name, int flags)
{
	char path[64], num[21];
	size_t n;

	fmt_u(num, (unsigned long)pid);
	n = strlen(num);
	if (n + strlen(name) + 8 > sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, "/proc/", 6);
	memcpy(path + 6, num, n);
	path[6 + n] = '/';
	strcpy(path + 7 + n, name);
	return open(path, flags | O_CLOEXEC);
}

static int ns_stat(pid_t pid, int t, struct stat *st)
{
	char name[10] = "ns/";
	int fd, rc;

	strcpy(name + 3, nse_types[t].name);
	fd = nse_proc_open(pid, name, O_PATH);
	if (fd < 0)
		return -1;
	rc = fstat(fd, st);
	close(fd);
	return rc;
}

int nse_differs(pid_t pid, int t)
{
	struct stat mine, theirs;

	/* A type missing from our own /proc is one the kernel lacks (util-linux
	 * 2.38, GH#1502): skip it rather than fail. */
	if (ns_stat(getpid(), t, &mine) < 0)
		return errno == ENOENT ? 0 : -1;
	if (ns_stat(pid, t, &theirs) < 0)
		return -1;
	/* Device and inode together, as the kernel selftests compare them. */
	return mine.st_dev != theirs.st_dev || mine.st_ino != theirs.st_ino;
}

static int enter_fd(int fd, int flag, int *failed)
{
	if (setns(fd, flag) == 0)
		return 0;
	*failed = flag;
	return -1;
}

int nse_enter(const struct nse *e, int *failed)
{
	int pidfd_left = 0, fd_left = 0, dummy, t;
	int others = e->pidfd_flags & ~CLONE_NEWUSER;

	/* Pass 1. The masks are explicit: a pidfd setns with flags 0 is not
	 * "all" here (util-linux's --keep-caps bug, nsenter.md §2.10), and fd 0
	 * is a valid fd when stdin was closed (util-linux PR#4412). */
	if (e->pidfd >= 0 && others && enter_fd(e->pidfd, others, &dummy) < 0)
		pidfd_left = others;
	for (t = NSE_CGROUP; t < NSE_TYPES; t++)
		if (e->fd[t] >= 0 && enter_fd(e->fd[t], nse_types[t].flag, &dummy) < 0)
			fd_left |= nse_types[t].flag;

	/* Pass 2: the user namespace, then what pass 1 could not do. With a
	 * pidfd the kernel validates the user namespace of the same call first,
	 * so USER|rest succeeds where rest alone was EPERM. */
	if (e->fd[NSE_USER] >= 0 && enter_fd(e->fd[NSE_USER], CLONE_NEWUSER, failed) < 0)
		return -1;
	pidfd_left |= e->pidfd_flags & CLONE_NEWUSER;
	if (pidfd_left && enter_fd(e->pidfd, pidfd_left, failed) < 0)
		return -1;
	for (t = NSE_CGROUP; t < NSE_TYPES; t++)
		if ((fd_left & nse_types[t].flag) && enter_fd(e->fd[t], nse_types[t].flag, failed) < 0)
			return -1;
	return 0;
}

/* mmap and mremap rather than malloc: malloc plus free and realloc would
 * link musl's full allocator, several KB for this one list. */
static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

char **nse_read_env(int fd)
{
	size_t cap = 1 << 16, len = 0, n = 1;
	char *buf = map(cap), *p, *end, **list;
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (len == cap - 1) {
			char *bigger = mremap(buf, cap, cap * 2, MREMAP_MAYMOVE);
			if (bigger == MAP_FAILED)
				goto fail;
			buf = bigger;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		len += (size_t)r;
	}
	/* Every step below stays inside the bytes read: the extra NUL ends an
	 * unterminated last entry, and each step is by the current entry's own
	 * length (util-linux lib/env.c stepped by the next one and over-read). */
	buf[len] = 0;
	end = buf + len;
	for (p = buf; p < end; p += strlen(p) + 1)
		n++;
	list = map(n * sizeof *list);
	if (!list)
		goto fail;
	n = 0;
	for (p = buf; p < end; p += strlen(p) + 1)
		if (*p != '=' && strchr(p, '='))
			list[n++] = p;
	list[n] = NULL;
	return list;
fail:
	munmap(buf, cap);
	return NULL;
}

int nse_wait_child(pid_t child, const sigset_t *set, int *wstatus)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);
		pid_t r;

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (sig != SIGCHLD) {
			/* Once only: the child shares our process group, so a
			 * terminal's Ctrl-C reached it already. */
			if (!reaper_from_our_terminal(si.si_code) &&
			    !reaper_self_inflicted(si.si_pid, si.si_code))
				kill(child, sig);
			continue;
		}
		/* SIGCHLD also comes for a stop and a continuation. */
		while ((r = waitpid(child, wstatus, WNOHANG | WUNTRACED)) < 0 && errno == EINTR)
			;
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		if (!WIFSTOPPED(*wstatus))
			return 0;
		kill(getpid(), SIGSTOP);
		kill(child, SIGCONT);
	}
}
