/* Creating namespaces the way `unshare --fork` does, for nsinit -p..., encapsulate
 * and ssd-isolate --isolate: the caller stays outside as a small waiter and
 * the child is PID 1 of the new PID namespace. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "ns.h"
#include "reaper.h"
#include "sys.h"

static const struct {
	const char *name;
	int flag;
} ns_names[] = {
	{"pid", CLONE_NEWPID},   {"mount", CLONE_NEWNS},      {"mnt", CLONE_NEWNS},
	{"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},       {"net", CLONE_NEWNET},
	{"cgroup", CLONE_NEWCGROUP}, {"user", CLONE_NEWUSER}, {"time", CLONE_NEWTIME},
	{"all", CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWCGROUP},
};

int ns_parse_list(const char *list, int *flags, const char **bad)
{
	const char *p = list;
	int f = 0;

	for (;;) {
		size_t len = strcspn(p, ","), i;
		for (i = 0; i < sizeof ns_names / sizeof ns_names[0]; i++)
			if (strlen(ns_names[i].name) == len && !strncmp(ns_names[i].name, p, len))
				break;
		if (i == sizeof ns_names / sizeof ns_names[0]) {
			*bad = p;
			errno = EINVAL;
			return -1;
		}
		f |= ns_names[i].flag;
		if (!p[len])
			break;
		p += len + 1;
	}
	*flags = f;
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err;
	if (fd < 0)
		return -1;
	if (write_all(fd, text, strlen(text)) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return close(fd);
}

static void map_line(char *line, unsigned long inside, unsigned long outside)
{
	char num[24];
	strcpy(line, fmt_u(num, inside));
	strcat(line, " ");
	strcat(line, fmt_u(num, outside));
	strcat(line, " 1\n");
}

int ns_write_id_maps(uid_t inside_uid, uid_t outside_uid, gid_t inside_gid, gid_t outside_gid)
{
	char line[64];

	/* An unprivileged process may map only its own ids, and only once
	 * setgroups(2) is denied (user_namespaces(7), CVE-2014-8989). */
	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	map_line(line, inside_uid, outside_uid);
	if (write_file("/proc/self/uid_map", line) < 0)
		return -1;
	map_line(line, inside_gid, outside_gid);
	return write_file("/proc/self/gid_map", line);
}

int ns_make_private(void)
{
	/* Without this, mounts made inside propagate to the host on systems where
	 * "/" is shared (systemd), and host mounts appear inside (bwrap's MS_SLAVE). */
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

int ns_mount_proc(void)
{
	/* Mounted over the old one, as util-linux does: the old procfs stays
	 * hidden underneath, and in a user namespace the kernel only allows a new
	 * procfs where a fully visible one exists (mount_too_revealing). */
	return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int mount_if_dir(const char *src, const char *dir, const char *type, unsigned long flags,
                        const char *data)
{
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0; /* nothing there to show the host's objects through */
	return mount(src, dir, type, flags, data);
}

int ns_mount_ipc(void)
{
	if (mount_if_dir("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return -1;
	return mount_if_dir("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

int ns_lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = -1, err;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

static void net_stop(struct ns_net *n, int kill_it);

/* Fork the helper (see ns.h). Called by spawn() between the user namespace
 * and the others: the helper is then in the new user namespace (which owns
 * its network namespace) but not in the new PID namespace, so COMMAND
 * stays PID 2. */
static int net_start(struct ns_net *n)
{
	int sv[2], err;

	n->pid = -1;
	n->sock = n->pidfd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	n->pid = sys_fork();
	if (n->pid == 0) {
		/* Report [step, errno], then stay (the namespace needs a member)
		 * until the sandbox has joined and closed its end, or died. */
		unsigned char r[2] = {0, 0};
		close(sv[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || unshare(CLONE_NEWNET) < 0)
			r[0] = 1;
		else if (ns_lo_up() < 0)
			r[0] = 2;
		r[1] = r[0] ? (unsigned char)errno : 0;
		if (write(sv[1], r, 2) == 2)
			(void)read(sv[1], r, 1);
		_exit(0);
	}
	err = errno;
	close(sv[1]);
	n->sock = sv[0];
	if (n->pid > 0) {
		n->pidfd = sys_pidfd_open(n->pid);
		if (n->pidfd >= 0)
			return 0;
		err = errno;
	}
	net_stop(n, 1);
	n->pid = -1;
	errno = err;
	return -1;
}

/* Our copies of the helper's descriptors, and with KILL the helper. */
static void net_stop(struct ns_net *n, int kill_it)
{
	if (n->sock >= 0)
		close(n->sock);
	if (n->pidfd >= 0)
		close(n->pidfd);
	n->sock = n->pidfd = -1;
	if (kill_it && n->pid > 0) {
		kill(n->pid, SIGKILL);
		waitpid(n->pid, NULL, 0);
	}
}

int ns_net_join(struct ns_net *n, const char **step)
{
	unsigned char r[2] = {0, 0};
	ssize_t got;
	int rc = -1, err;

	if (n->pid < 0) /* no helper: made with the others, lo up in ns_setup */
		return 0;
	do
		got = read(n->sock, r, 2);
	while (got < 0 && errno == EINTR);
	if (got != 2) {
		*step = "the network namespace helper died";
		errno = got < 0 ? errno : ECHILD;
	} else if (r[0]) {
		*step = r[0] == 2 ? "cannot bring up lo" : "cannot create the network namespace";
		errno = r[1];
	} else if (setns(n->pidfd, CLONE_NEWNET) < 0) {
		*step = "cannot join the network namespace";
	} else {
		rc = 0;
	}
	err = errno;
	net_stop(n, 0); /* EOF: the helper exits; the waiter outside reaps it */
	errno = err;
	return rc;
}

int ns_die_with_parent(int alive_fd)
{
	struct pollfd p = {alive_fd, POLLIN, 0};

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return -1;
	/* Nothing is ever written: readable means EOF, the parent is gone. */
	if (poll(&p, 1, 0) != 0) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

/* ns_spawn, or with ALIVE_FD ns_clone. */
static pid_t spawn(const struct ns_config *c, int *alive_fd, const char **step)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	int other = c->clone_flags & ~CLONE_NEWUSER;
	int alive[2];
	pid_t pid;

	if (!alive_fd && (c->clone_flags & CLONE_NEWUSER)) {
		int root = (c->setup & NS_MAP_ROOT) != 0;
		if (unshare(CLONE_NEWUSER) < 0) {
			*step = "cannot create a user namespace";
			return -1;
		}
		if (ns_write_id_maps(root ? 0 : uid, uid, root ? 0 : gid, gid) < 0) {
			*step = "cannot write the user namespace's id maps";
			return -1;
		}
	}
	/* No pidfd (a seccomp profile may refuse pidfd_open): the network
	 * namespace is made with the others, and ns_setup brings lo up. */
	if (c->net && !alive_fd && net_start(c->net) < 0) {
		if (errno != ENOSYS && errno != EPERM && errno != EACCES) {
			*step = "cannot start the network namespace helper";
			return -1;
		}
		other |= CLONE_NEWNET;
	}
	if (!alive_fd && other && unshare(other) < 0) {
		*step = "cannot create namespaces";
		goto fail;
	}
	/* The child learns that we died through EOF on this pipe, which also
	 * closes the race between fork and PR_SET_PDEATHSIG. */
	if (pipe2(alive, O_CLOEXEC) < 0) {
		*step = "cannot create a pipe";
		goto fail;
	}
	/* ns_clone: clone(2) used like fork(2), no new stack, SIGCHLD at exit.
	 * The argument order after the flags differs between architectures,
	 * but they are all 0. The child is single-threaded and calls nothing
	 * that relies on the thread id libc's fork would have refreshed. */
	pid = alive_fd ? (pid_t)syscall(SYS_clone, (unsigned long)c->clone_flags | SIGCHLD, 0, 0, 0, 0)
	               : sys_fork();
	if (pid < 0) {
		int err = errno;
		*step = alive_fd ? "cannot create namespaces" : "cannot fork";
		close(alive[0]);
		close(alive[1]);
		errno = err;
		goto fail;
	}
	if (pid > 0) {
		close(alive[0]);
		/* alive[1] stays open (close-on-exec) for as long as we live. */
		if (c->net)
			net_stop(c->net, 0); /* the child's now */
		return pid;
	}
	close(alive[1]);
	if (alive_fd) {
		*alive_fd = alive[0];
		return 0;
	}
	if (c->setup & NS_DIE_WITH_PARENT) {
		if (ns_die_with_parent(alive[0]) < 0) {
			if (errno == ESRCH)
				_exit(EXIT_OWN);
			*step = "cannot set the parent-death signal";
			return -1;
		}
	}
	close(alive[0]);
	return 0;
fail:
	if (c->net) {
		int err = errno;
		net_stop(c->net, 1);
		errno = err;
	}
	return -1;
}

pid_t ns_spawn(const struct ns_config *c, const char **step)
{
	return spawn(c, NULL, step);
}

pid_t ns_clone(const struct ns_config *c, int *alive_fd, const char **step)
{
	*alive_fd = -1;
	return spawn(c, alive_fd, step);
}

int ns_setup(const struct ns_config *c, const char **step)
{
	if ((c->setup & NS_PRIVATE_ROOT) && ns_make_private() < 0) {
		*step = "cannot make / private";
		return -1;
	}
	if ((c->setup & NS_MOUNT_PROC) && ns_mount_proc() < 0) {
		*step = "cannot mount /proc";
		return -1;
	}
	if ((c->setup & NS_MOUNT_IPC) && ns_mount_ipc() < 0) {
		*step = "cannot mount /dev/shm or /dev/mqueue";
		return -1;
	}
	if (((c->setup & NS_LO_UP) || (c->net && c->net->pid < 0)) && ns_lo_up() < 0) {
		*step = "cannot bring up lo";
		return -1;
	}
	return 0;
}

int ns_wait_relay(pid_t child)
{
	unsigned long long pending = 0; /* bit N-1: signal N, refused with EPERM */
	sigset_t all;
	int sfd, st, sig;

	/* Do not keep the caller's directory busy while we wait (catatonit #28);
	 * failing to is harmless. */
	if (chdir("/") < 0) {
		/* nothing to do */
	}
	reaper_all_signals(&all);
	sfd = signalfd(-1, &all, SFD_CLOEXEC);
	for (;;) {
		struct signalfd_siginfo si;
		struct pollfd p = {sfd, POLLIN, 0};
		pid_t pid;
		/* Reap any other child too: the network namespace helper
		 * (ns_net), or one we inherited from a shell that exec'd us. */
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0 && pid != child)
			;
		if (pid == child)
			break;
		if (pid < 0 && errno != EINTR) {
			st = EXIT_OWN << 8;
			break;
		}
		if (sfd < 0) { /* no signalfd: still wait, relaying nothing */
			if (waitpid(child, &st, 0) == child)
				break;
			continue;
		}
		for (sig = 1; sig <= 64; sig++)
			if ((pending >> (sig - 1) & 1) && (kill(child, sig) == 0 || errno != EPERM))
				pending &= ~(1ull << (sig - 1));
		if (poll(&p, 1, pending ? 20 : -1) <= 0)
			continue;
		if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si || si.ssi_signo == SIGCHLD ||
		    reaper_self_inflicted((int)si.ssi_pid, si.ssi_code) ||
		    reaper_from_our_terminal(si.ssi_code)) /* the child shares our group */
			continue;
		sig = (int)si.ssi_signo;
		if (kill(child, sig) < 0 && errno == EPERM && sig <= 64)
			pending |= 1ull << (sig - 1);
	}
	if (sfd >= 0)
		close(sfd);
	return exit_code_of(st);
}
