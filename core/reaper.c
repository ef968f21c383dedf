/* The PID-1 loop (tini/sinit shape): block everything first, spawn, then wait
 * on a signalfd and reap. Rules from shared/reference/init.md §4:
 * - never trust siginfo to say which child died: drain waitpid(-1, WNOHANG)
 *   after every wake-up (catatonit #4/#5: SIGCHLDs coalesce);
 * - never set SIGCHLD to SIG_IGN (the kernel would reap COMMAND's status);
 * - stay until the last child is gone: when PID 1 of a namespace exits, the
 *   kernel SIGKILLs everything left in it (tini #180, dumb-init #212). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "reaper.h"
#include "sys.h"

struct run {
	const struct reaper *r;
	pid_t child;       /* COMMAND, or 0 once it is reaped */
	int code;          /* COMMAND's exit code once reaped */
	int pid1;
	int notify_fd;
	int stopping;      /* TERM sent, waiting for the grace time */
	long long deadline;/* CLOCK_MONOTONIC ms when the grace time ends */
	int killing;       /* grace over: KILL whatever appears */
};

/* The caller's SIGCHLD was ignored: COMMAND gets that back (reaper.h). */
static int chld_was_ignored;

void reaper_all_signals(sigset_t *set)
{
	memset(set, 0xff, sizeof *set);
}

int reaper_block_signals(sigset_t *old)
{
	struct sigaction sa;
	sigset_t all;

	reaper_all_signals(&all);
	if (sigprocmask(SIG_SETMASK, &all, old) < 0 || sigaction(SIGCHLD, NULL, &sa) < 0)
		return -1;
	if (sa.sa_handler == SIG_IGN) {
		chld_was_ignored = 1;
		sa.sa_handler = SIG_DFL;
		sa.sa_flags = 0;
		if (sigaction(SIGCHLD, &sa, NULL) < 0)
			return -1;
	}
	return 0;
}

int reaper_self_inflicted(int pid, int code)
{
	return code == SI_USER && pid == getpid();
}

int reaper_from_our_terminal(int code)
{
	/* The tty sends with kernel privilege (SI_KERNEL) to its foreground
	 * group; if that is our group, everyone in it got the signal. As PID 1
	 * of a namespace both calls read 0 when the group leader is outside:
	 * still the same group. Without a controlling terminal (an init on
	 * /dev/console) there is no /dev/tty, and a kernel signal such as
	 * Ctrl-Alt-Del's SIGINT is forwarded. */
	pid_t fg;
	int tty;

	if (code != SI_KERNEL)
		return 0;
	/* Our controlling terminal, whatever fds 0..2 are. */
	tty = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (tty < 0)
		return 0;
	fg = tcgetpgrp(tty);
	close(tty);
	return fg >= 0 && fg == getpgrp();
}

static long long now_ms(void)
{
	return sys_now_ns() / 1000000;
}

static void say(const struct run *s, const char *what, long n)
{
	char num[24];
	if (s->r->flags & REAPER_VERBOSE)
		msg(s->r->who, what, fmt_i(num, n), NULL);
}

/* Signal every process we are responsible for but the reaper itself: as PID 1
 * that is the whole namespace (kill(-1) spares the caller, pid_namespaces(7));
 * as a subreaper, our direct children but except (orphans come to us as
 * their parents die, and are signalled on the next wake-up). */
static void signal_rest(const struct run *s, int sig, pid_t except)
{
	char path[64], num[24], buf[256];
	size_t have = 0;
	ssize_t n;
	int fd;

	if (s->pid1) {
		kill(-1, sig);
		return;
	}
	/* /proc/self/task/TID/children lists the children of our one thread. */
	memcpy(path, "/proc/self/task/", sizeof "/proc/self/task/");
	strcat(path, fmt_u(num, (unsigned long)getpid()));
	strcat(path, "/children");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((n = read(fd, buf + have, sizeof buf - 1 - have)) > 0) {
		char *p = buf;
		buf[have + (size_t)n] = 0;
		for (;;) { /* whole "PID " items; a cut one waits for the next read */
			char *q = p;
			pid_t pid = 0;
			while (*q >= '0' && *q <= '9')
				pid = pid * 10 + (*q++ - '0');
			if (!*q)
				break;
			if (pid > 0 && pid != except)
				kill(pid, sig);
			p = q + 1;
		}
		have = strlen(p);
		memmove(buf, p, have);
	}
	close(fd);
}

static void signal_command(const struct run *s, int sig)
{
	kill((s->r->flags & REAPER_PGROUP) ? -s->child : s->child, sig);
}

static void forward(struct run *s, int sig, int code)
{
	/* COMMAND in our process group got the terminal's signal already. */
	if (s->child && !(s->r->flags & REAPER_PGROUP) && reaper_from_our_terminal(code))
		return;
	if (s->child) {
		signal_command(s, sig);
		say(s, "forwarded signal to COMMAND: ", sig);
	} else {
		signal_rest(s, sig, 0);
		say(s, "forwarded signal to the remaining processes: ", sig);
	}
}

/* One signal to COMMAND and everything else, each process once: a second
 * TERM means "force quit" to many programs. */
static void signal_all(const struct run *s, int sig)
{
	if (s->child && !s->pid1)
		signal_command(s, sig);
	signal_rest(s, sig, s->child);
}

static void start_shutdown(struct run *s)
{
	if (s->r->grace_ms == 0) {
		s->killing = 1;
		signal_all(s, SIGKILL);
		return;
	}
	if (!s->stopping) {
		s->stopping = 1;
		s->deadline = now_ms() + s->r->grace_ms;
	}
	signal_all(s, SIGTERM);
	say(s, "shutdown: sent TERM, grace ms: ", (long)s->r->grace_ms);
}

static void notify(struct run *s, int wstatus)
{
	char num[24];
	const char *kind = WIFSIGNALED(wstatus) ? "signal " : "exit ";
	int n = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus);

	if (s->notify_fd < 0)
		return;
	/* EPIPE only means nobody listens any more (SIGPIPE is blocked). */
	put(s->notify_fd, kind, fmt_u(num, (unsigned long)n), "\n", NULL);
	close(s->notify_fd);
	s->notify_fd = -1;
}

/* Reap everything that is dead. 1 when no child is left at all. */
static int reap(struct run *s)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid == 0)
			return 0;
		if (pid < 0)
			return errno == ECHILD ? 1 : 0;
		if (pid != s->child) {
			say(s, "reaped pid ", pid);
			continue;
		}
		s->child = 0;
		s->code = exit_code_of(st);
		say(s, "COMMAND exited, status ", s->code);
		notify(s, st);
		if ((s->r->flags & REAPER_EXIT_WITH_CHILD) && !s->killing)
			start_shutdown(s);
	}
}

static void child_exec(const struct reaper *r)
{
	int err;

	if (r->flags & REAPER_PGROUP) {
		/* Own process group, and the terminal's foreground if the caller
		 * had it (tini): SIGTTOU is still blocked here, so this cannot stop us. */
		if (setpgid(0, 0) < 0) {
			msg_sys(errno, r->who, "cannot create a process group", NULL);
			_exit(EXIT_OWN);
		}
		if ((r->flags & REAPER_FOREGROUND) && tcsetpgrp(0, getpid()) < 0 &&
		    errno != ENOTTY && errno != ENXIO)
			msg_sys(errno, r->who, "warning: cannot take the terminal", NULL);
	}
	if (r->child_setup && r->child_setup(r->child_arg) < 0)
		_exit(EXIT_OWN);
	if (chld_was_ignored && signal(SIGCHLD, SIG_IGN) == SIG_ERR) {
		msg_sys(errno, r->who, "cannot restore the SIGCHLD disposition", NULL);
		_exit(EXIT_OWN);
	}
	if (sigprocmask(SIG_SETMASK, r->child_mask, NULL) < 0) {
		msg_sys(errno, r->who, "cannot restore the signal mask", NULL);
		_exit(EXIT_OWN);
	}
	execvp(r->argv[0], r->argv);
	err = errno;
	msg_sys(err, r->who, "cannot execute '", r->argv[0], "'", NULL);
	_exit(exit_code_of_exec_errno(err));
}

int reaper_run(const struct reaper *r)
{
	struct run s;
	sigset_t all;
	int sfd;

	memset(&s, 0, sizeof s);
	s.r = r;
	s.pid1 = getpid() == 1;
	s.notify_fd = r->notify_fd;
	reaper_all_signals(&all);
	if (!s.pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		msg_sys(errno, r->who, "cannot become a child subreaper", NULL);
		return EXIT_OWN;
	}
	sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		msg_sys(errno, r->who, "cannot create a signalfd", NULL);
		return EXIT_OWN;
	}
	s.child = sys_fork();
	if (s.child < 0) {
		msg_sys(errno, r->who, "cannot fork", NULL);
		close(sfd);
		return EXIT_OWN;
	}
	if (s.child == 0)
		child_exec(r);
	/* Also from this side, before any forward to the group can be lost
	 * (a kill(-child) before the child's own setpgid would miss it). */
	if ((r->flags & REAPER_PGROUP) && setpgid(s.child, s.child) < 0 && errno != EACCES &&
	    errno != ESRCH)
		msg_sys(errno, r->who, "warning: cannot create a process group", NULL);
	say(&s, "spawned COMMAND, pid ", s.child);
	/* Do not keep the caller's directory busy (catatonit #28). */
	if (chdir("/") < 0)
		msg_sys(errno, r->who, "warning: cannot change directory to /", NULL);

	for (;;) {
		struct signalfd_siginfo si[16];
		struct pollfd pfd = {sfd, POLLIN, 0};
		int timeout = -1;
		ssize_t n;

		if (reap(&s))
			break;
		if (s.stopping && !s.killing) {
			long long left = s.deadline - now_ms();
			if (left <= 0) {
				s.killing = 1;
				say(&s, "grace time over, sending KILL; COMMAND alive: ", s.child != 0);
				signal_all(&s, SIGKILL);
				continue;
			}
			timeout = left > 1000000 ? 1000000 : (int)left;
		}
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
			msg_sys(errno, r->who, "poll", NULL);
			close(sfd);
			return EXIT_OWN;
		}
		while ((n = read(sfd, si, sizeof si)) > 0) {
			size_t i;
			for (i = 0; i < (size_t)n / sizeof si[0]; i++) {
				int sig = (int)si[i].ssi_signo;
				if (sig == SIGCHLD || reaper_self_inflicted((int)si[i].ssi_pid, si[i].ssi_code))
					continue;
				if (sig == SIGTERM)
					start_shutdown(&s);
				else
					forward(&s, sig, si[i].ssi_code);
			}
		}
		if (s.killing)
			signal_rest(&s, SIGKILL, 0);
	}
	close(sfd);
	if (s.notify_fd >= 0) /* COMMAND never reaped: cannot happen, but say EOF */
		close(s.notify_fd);
	return s.code;
}
