/* nsenter-lite: run COMMAND in the namespaces of a running process;
 * util-linux nsenter compatible where they overlap (docs/nsenter-lite.1). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "err.h"
#include "nsenter.h"
#include "opt.h"
#include "pidfile.h"
#include "sys.h"

static const char usage[] =
	"Usage: nsenter-lite [OPTIONS] [COMMAND [ARGS...]]\n"
	"Run COMMAND (default: $SHELL, else /bin/sh) in the namespaces of a process.\n"
	"\n"
	"  -t, --target PID     the process whose namespaces, root, cwd, environment\n"
	"      --pidfile FILE   read PID from FILE (refused if world-writable, or\n"
	"                       owned by neither root nor the caller)\n"
	"  -m, --mount[=FILE]   enter the mount namespace (of PID, or FILE)\n"
	"  -u, --uts[=FILE]     the UTS namespace (host name)\n"
	"  -i, --ipc[=FILE]     the System V IPC namespace\n"
	"  -n, --net[=FILE]     the network namespace\n"
	"  -p, --pid[=FILE]     the PID namespace (COMMAND is forked into it)\n"
	"  -U, --user[=FILE]    the user namespace (entered last); sets uid/gid 0\n"
	"  -C, --cgroup[=FILE]  the cgroup namespace\n"
	"  -T, --time[=FILE]    the time namespace\n"
	"  -a, --all            every namespace of PID that differs from ours\n"
	"  -r, --root[=DIR]     chroot to DIR (default: PID's root)\n"
	"  -w, --wd[=DIR]       change directory to DIR (default: PID's cwd)\n"
	"  -S, --setuid UID     set the uid\n"
	"  -G, --setgid GID     set the gid, drop supplementary groups\n"
	"      --preserve-credentials  keep uid, gid and groups with -U\n"
	"  -F, --no-fork        do not fork after entering a PID namespace\n"
	"  -e, --env            take PID's environment\n"
	"  -v, --verbose        say what is entered\n"
	"  -h, --help           this text\n"
	"  -V, --version        the version\n"
	"\n"
	"FILE and DIR are attached: -nFILE, -n=FILE, --net=FILE.\n"
	"Exit status: COMMAND's; 128+N if it died of signal N; 126 it cannot be\n"
	"executed; 127 not found; 125 nsenter-lite failed.\n";

enum { O_PIDFILE = 256, O_PRESERVE };

/* The namespace options, in the order of nse_types. */
static const char ns_letters[NSE_TYPES + 1] = "UCiunpmT";

static const struct opt table[] = {
	{"target", 't', OPT_REQUIRED, 't'},
	{"pidfile", 0, OPT_REQUIRED, O_PIDFILE},
	{"user", 'U', OPT_OPTIONAL, 'U'},
	{"cgroup", 'C', OPT_OPTIONAL, 'C'},
	{"ipc", 'i', OPT_OPTIONAL, 'i'},
	{"uts", 'u', OPT_OPTIONAL, 'u'},
	{"net", 'n', OPT_OPTIONAL, 'n'},
	{"pid", 'p', OPT_OPTIONAL, 'p'},
	{"mount", 'm', OPT_OPTIONAL, 'm'},
	{"time", 'T', OPT_OPTIONAL, 'T'},
	{"all", 'a', OPT_NOARG, 'a'},
	{"root", 'r', OPT_OPTIONAL, 'r'},
	{"wd", 'w', OPT_OPTIONAL, 'w'},
	{"setuid", 'S', OPT_REQUIRED, 'S'},
	{"setgid", 'G', OPT_REQUIRED, 'G'},
	{"preserve-credentials", 0, OPT_NOARG, O_PRESERVE},
	{"no-fork", 'F', OPT_NOARG, 'F'},
	{"env", 'e', OPT_NOARG, 'e'},
	{"verbose", 'v', OPT_NOARG, 'v'},
	{"help", 'h', OPT_NOARG, 'h'},
	{"version", 'V', OPT_NOARG, 'V'},
	{0, 0, 0, 0},
};

static const char who[] = "nsenter-lite";

/* " uts net" for the types in flags. */
static char *type_names(int flags, char *buf)
{
	int t;
	*buf = 0;
	for (t = 0; t < NSE_TYPES; t++)
		if (flags & nse_types[t].flag) {
			strcat(buf, " ");
			strcat(buf, nse_types[t].name);
		}
	return buf;
}

static int open_dir(const char *dir, pid_t pid, const char *proc_name)
{
	int fd = dir ? open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)
	             : nse_proc_open(pid, proc_name, O_PATH | O_DIRECTORY);
	if (fd < 0)
		msg_sys(errno, who, "cannot open ", dir ? dir : proc_name, NULL);
	return fd;
}

static int exec_command(char **cmd)
{
	const char *prog = cmd[0];
	int err;

	if (prog) {
		execvp(prog, cmd);
	} else {
		/* A login shell, as util-linux and busybox start it. */
		char arg0[NAME_MAX + 2] = "-", *argv[] = {arg0, NULL};
		const char *base;

		prog = getenv("SHELL");
		if (!prog || !*prog)
			prog = "/bin/sh";
		base = strrchr(prog, '/');
		base = base ? base + 1 : prog;
		errno = ENAMETOOLONG;
		if (strlen(base) <= NAME_MAX) {
			strcpy(arg0 + 1, base);
			execv(prog, argv);
		}
	}
	err = errno;
	msg_sys(err, who, "cannot execute ", prog, NULL);
	return exit_code_of_exec_errno(err);
}

/* Fork so COMMAND is inside the PID namespace. In the child: *in_child set,
 * 0 or EXIT_OWN. In the parent: the exit code to leave with, the child's. */
static int fork_and_wait(int verbose, int *in_child)
{
	static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old_chld;
	sigset_t set, old_mask;
	char num[21];
	unsigned i;
	int status;
	pid_t pid;

	sigemptyset(&set);
	for (i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	/* An inherited SIG_IGN for SIGCHLD would reap the child for us
	 * (util-linux 10d7224f7); COMMAND gets the inherited one back. */
	if (sigaction(SIGCHLD, &dfl, &old_chld) < 0 || sigprocmask(SIG_BLOCK, &set, &old_mask) < 0) {
		msg_sys(errno, who, "cannot set up signals", NULL);
		return EXIT_OWN;
	}
	pid = sys_fork();
	if (pid < 0) {
		/* ENOMEM here: the PID namespace's init has died. */
		msg_sys(errno, who, "cannot fork into the PID namespace", NULL);
		return EXIT_OWN;
	}
	if (pid == 0) {
		*in_child = 1;
		if (sigaction(SIGCHLD, &old_chld, NULL) < 0 || sigprocmask(SIG_SETMASK, &old_mask, NULL) < 0) {
			msg_sys(errno, who, "cannot restore signals", NULL);
			return EXIT_OWN;
		}
		return 0;
	}
	fmt_u(num, (unsigned long)pid);
	if (verbose)
		msg(who, "forked COMMAND as process ", num, NULL);
	if (nse_wait_child(pid, &set, &status) < 0) {
		msg_sys(errno, who, "cannot wait for process ", num, NULL);
		return EXIT_OWN;
	}
	return exit_code_of(status);
}

int nsenter_lite_main(int argc, char **argv)
{
	const char *path[NSE_TYPES] = {0}, *pidfile = NULL, *root_dir = NULL, *wd_dir = NULL;
	int want = 0, all = 0, root = 0, wd = 0, preserve = 0, nofork = 0, env = 0, verbose = 0;
	int set_uid = 0, set_gid = 0, root_fd = -1, wd_fd = -1, id, t, failed;
	uid_t uid = 0;
	gid_t gid = 0;
	pid_t pid = 0;
	long v;
	char **cmd, **new_env = NULL, num[21], names[64];
	struct opt_state st;
	struct nse e;

	opt_init(&st, 0); /* options end at COMMAND, as util-linux's "+" */
	while ((id = opt_next(&st, argc, argv, table)) > 0) {
		const char *a = st.arg;
		/* -m=FILE as util-linux 2.42 reads it, and -r=DIR likewise. */
		if (a && *a == '=' && st.found->arg == OPT_OPTIONAL)
			a++;
		if (a && !*a && st.found->arg == OPT_OPTIONAL)
			a = NULL;
		switch (id) {
		case 't':
			if (parse_long(a, 1, INT_MAX, &v) < 0)
				goto bad_value;
			pid = (pid_t)v;
			pidfile = NULL;
			break;
		case O_PIDFILE:
			pidfile = a;
			break;
		case 'a':
			all = 1;
			break;
		case 'r':
			root = 1;
			root_dir = a;
			break;
		case 'w':
			wd = 1;
			wd_dir = a;
			break;
		case 'S':
		case 'G':
			if (parse_long(a, 0, (long)(uid_t)-2, &v) < 0)
				goto bad_value;
			if (id == 'S')
				uid = (uid_t)v, set_uid = 1;
			else
				gid = (gid_t)v, set_gid = 1;
			break;
		case O_PRESERVE:
			preserve = 1;
			break;
		case 'F':
			nofork = 1;
			break;
		case 'e':
			env = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			return applet_usage(usage);
		case 'V':
			return applet_version(who);
		default:
			t = (int)(strchr(ns_letters, id) - ns_letters);
			want |= nse_types[t].flag;
			path[t] = a;
			break;
		}
	}
	if (id < 0) {
		msg(who, opt_strerror(id), " '", st.bad, "'", NULL);
		return EXIT_OWN;
	}
	cmd = argv + st.ind;

	if (pidfile) {
		switch (pidfile_read(pidfile, PIDFILE_ONLY_MATCHER, &pid)) {
		case PIDFILE_OK:
			break;
		case PIDFILE_MISSING:
			msg(who, "pidfile ", pidfile, " does not exist", NULL);
			return EXIT_OWN;
		case PIDFILE_GARBAGE:
			msg(who, "no PID in pidfile ", pidfile, NULL);
			return EXIT_OWN;
		case PIDFILE_WORLD_WRITABLE:
			msg(who, "refusing world-writable pidfile ", pidfile, NULL);
			return EXIT_OWN;
		case PIDFILE_NOT_ROOT:
			msg(who, "refusing pidfile ", pidfile, " owned by neither root nor the caller", NULL);
			return EXIT_OWN;
		default:
			msg_sys(errno, who, "cannot read pidfile ", pidfile, NULL);
			return EXIT_OWN;
		}
	}
	if (!want && !all) {
		msg(who, "no namespace given (-a, -m, -u, -i, -n, -p, -U, -C or -T)", NULL);
		return EXIT_OWN;
	}
	if (!pid) {
		int need = all || env || (root && !root_dir) || (wd && !wd_dir);
		for (t = 0; t < NSE_TYPES; t++)
			need |= (want & nse_types[t].flag) && !path[t];
		if (need) {
			msg(who, "no target: give -t PID or --pidfile FILE", NULL);
			return EXIT_OWN;
		}
	}
	fmt_u(num, (unsigned long)pid);

	/* Open everything before the first setns: after entering the mount
	 * namespace /proc is the target's (toybox opened late and failed). The
	 * pidfd comes first, so the final liveness check also proves the PID was
	 * not reused by another process while the /proc files were opened. */
	nse_init(&e);
	if (pid && nse_pidfd_setns_works()) {
		e.pidfd = sys_pidfd_open(pid);
		/* A seccomp profile may refuse pidfd_open (older container
		 * runtimes): then the /proc/PID/ns files, as util-linux does. */
		if (e.pidfd < 0 && errno != ENOSYS && errno != EPERM && errno != EACCES) {
			msg_sys(errno, who, "process ", num, NULL);
			return EXIT_OWN;
		}
		if (e.pidfd >= 0 && nse_exited(e.pidfd))
			goto exited;
	}
	for (t = 0; all && t < NSE_TYPES; t++) {
		int differs;
		if (want & nse_types[t].flag)
			continue;
		/* Unlike util-linux, skip every namespace we already share: a
		 * shared cgroup or time namespace is EPERM for an unprivileged
		 * caller (nsenter.md §2.5), and re-entering our own mount
		 * namespace would only reset root and cwd. */
		differs = nse_differs(pid, t);
		if (differs < 0) {
			msg_sys(errno, who, "cannot compare the ", nse_types[t].name, " namespace of process ", num, NULL);
			return EXIT_OWN;
		}
		if (differs)
			want |= nse_types[t].flag;
	}
	for (t = 0; t < NSE_TYPES; t++) {
		if (!(want & nse_types[t].flag))
			continue;
		if (path[t]) {
			e.fd[t] = open(path[t], O_RDONLY | O_CLOEXEC);
		} else if (e.pidfd >= 0) {
			e.pidfd_flags |= nse_types[t].flag;
			continue;
		} else {
			strcpy(names, "ns/");
			strcpy(names + 3, nse_types[t].name);
			e.fd[t] = nse_proc_open(pid, names, O_RDONLY);
		}
		if (e.fd[t] < 0) {
			msg_sys(errno, who, "cannot open the ", nse_types[t].name, " namespace ",
			        path[t] ? path[t] : "of process ", path[t] ? "" : num, NULL);
			return EXIT_OWN;
		}
	}
	if (root && (root_fd = open_dir(root_dir, pid, "root")) < 0)
		return EXIT_OWN;
	if (wd && (wd_fd = open_dir(wd_dir, pid, "cwd")) < 0)
		return EXIT_OWN;
	if (env) {
		int fd = nse_proc_open(pid, "environ", O_RDONLY);
		if (fd < 0 || !(new_env = nse_read_env(fd))) {
			msg_sys(errno, who, "cannot read the environment of process ", num, NULL);
			return EXIT_OWN;
		}
		close(fd);
	}
	if (e.pidfd >= 0 && nse_exited(e.pidfd))
		goto exited;

	if ((want & CLONE_NEWUSER) && !preserve) {
		if (!set_uid)
			uid = 0, set_uid = 1;
		if (!set_gid)
			gid = 0, set_gid = 1;
		/* Host root may drop its groups here, not inside (util-linux). */
		(void)sys_setgroups(0, NULL);
	}
	if (verbose)
		msg(who, "entering", type_names(want, names), " of process ", num,
		    e.pidfd >= 0 ? " (pidfd)" : "", NULL);
	if (nse_enter(&e, &failed) < 0) {
		int err = errno;
		for (t = 0; t < NSE_TYPES && !(failed == nse_types[t].flag && path[t]); t++)
			;
		if (t < NSE_TYPES)
			msg_sys(err, who, "cannot enter the ", nse_types[t].name, " namespace ", path[t], NULL);
		else
			msg_sys(err, who, "cannot enter", type_names(failed, names), " namespace of process ",
			        num, err == ESRCH ? " (it has exited)" : "", NULL);
		return EXIT_OWN;
	}
	/* -r alone keeps the cwd as entering left it (the mount namespace's
	 * root after -m), as util-linux does. */
	if (root_fd >= 0 && wd_fd < 0 && (wd_fd = open_dir(".", 0, NULL)) < 0)
		return EXIT_OWN;
	if (root_fd >= 0 && (fchdir(root_fd) < 0 || chroot(".") < 0)) {
		msg_sys(errno, who, "cannot change root to ", root_dir ? root_dir : "the target's root", NULL);
		return EXIT_OWN;
	}
	if (wd_fd >= 0 && fchdir(wd_fd) < 0) {
		msg_sys(errno, who, "cannot change directory", NULL);
		return EXIT_OWN;
	}
	if (new_env)
		environ = new_env;
	if ((want & CLONE_NEWPID) && !nofork) {
		int in_child = 0, rc = fork_and_wait(verbose, &in_child);
		if (!in_child || rc)
			return rc;
	}
	if (set_gid) {
		/* Fatal only while groups remain: the second call fails inside a
		 * user namespace whose setgroups is "deny", where a caller without
		 * groups has nothing to drop (util-linux GH#3553). */
		if (sys_setgroups(0, NULL) < 0 && getgroups(0, NULL) != 0) {
			msg_sys(errno, who, "cannot drop supplementary groups", NULL);
			return EXIT_OWN;
		}
		if (sys_setgid(gid) < 0) {
			msg_sys(errno, who, "cannot set gid ", fmt_u(num, gid), NULL);
			return EXIT_OWN;
		}
	}
	if (set_uid && sys_setuid(uid) < 0) {
		msg_sys(errno, who, "cannot set uid ", fmt_u(num, uid), NULL);
		return EXIT_OWN;
	}
	return exec_command(cmd);

bad_value:
	msg(who, "invalid value '", st.arg, "' for ", st.bad, NULL);
	return EXIT_OWN;
exited:
	msg(who, "process ", num, " has exited", NULL);
	return EXIT_OWN;
}
