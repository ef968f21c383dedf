/* nsinit: a PID 1 for a namespace, a container or an initramfs.
 * Spawns COMMAND, reaps every child, forwards signals, and stays until its
 * last child is gone (core/reaper.c); with -p/-m/... it first creates
 * namespaces and waits outside like `unshare --fork` (core/ns.c). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "applets.h"
#include "err.h"
#include "ns.h"
#include "opt.h"
#include "reaper.h"

static const char usage[] =
	"Usage: nsinit [OPTIONS] [--] COMMAND [ARGS...]\n"
	"A PID 1 for a namespace, a container or an initramfs: spawn COMMAND, reap\n"
	"every child, forward signals, stay until the last child is gone.\n"
	"\n"
	"  -g, --pgroup        run COMMAND in its own process group; forward to it\n"
	"      --exit-with-child  exit when COMMAND exits: TERM the rest, KILL after grace\n"
	"      --grace SECONDS  TERM-to-KILL time on shutdown (default 5)\n"
	"      --notify-fd N   when COMMAND exits write \"exit N\" or \"signal N\" to fd N\n"
	"  -s                  subreaper (always on when not PID 1; for tini users)\n"
	"  -v, --verbose       say what happens on stderr\n"
	"      --poweroff      as PID 1: power off instead of exiting (initramfs /init)\n"
	"      --reboot        as PID 1: reboot instead of exiting\n"
	"Namespaces (nsinit becomes PID 1 of the new PID namespace; the caller waits):\n"
	"  -p, --pid  -m, --mount  -i, --ipc  -u, --uts  -n, --net  -C, --cgroup\n"
	"  -U, --user  -T, --time  -a, --all (all but user and time)\n"
	"      --map-root      with -U: map the caller to root (default: to itself)\n"
	"  -h, --help          this text\n"
	"      --version       print the version\n"
	"\n"
	"Exit status: COMMAND's; 128+N if it died of signal N; 126 not executable;\n"
	"127 not found; 125 nsinit's own error.\n";

enum {
	O_PGROUP = 'g', O_SUB = 's', O_VERBOSE = 'v', O_HELP = 'h',
	O_PID = 'p', O_MNT = 'm', O_IPC = 'i', O_UTS = 'u', O_NET = 'n', O_CGROUP = 'C',
	O_USER = 'U', O_TIME = 'T', O_ALL = 'a',
	O_EXIT_WITH_CHILD = 256, O_GRACE, O_NOTIFY, O_POWEROFF, O_REBOOT, O_MAP_ROOT, O_VERSION,
};

static const struct opt options[] = {
	{"pgroup", 'g', OPT_NOARG, O_PGROUP},
	{"exit-with-child", 0, OPT_NOARG, O_EXIT_WITH_CHILD},
	{"grace", 0, OPT_REQUIRED, O_GRACE},
	{"notify-fd", 0, OPT_REQUIRED, O_NOTIFY},
	{NULL, 's', OPT_NOARG, O_SUB},
	{"verbose", 'v', OPT_NOARG, O_VERBOSE},
	{"poweroff", 0, OPT_NOARG, O_POWEROFF},
	{"reboot", 0, OPT_NOARG, O_REBOOT},
	{"pid", 'p', OPT_NOARG, O_PID},
	{"mount", 'm', OPT_NOARG, O_MNT},
	{"ipc", 'i', OPT_NOARG, O_IPC},
	{"uts", 'u', OPT_NOARG, O_UTS},
	{"net", 'n', OPT_NOARG, O_NET},
	{"cgroup", 'C', OPT_NOARG, O_CGROUP},
	{"user", 'U', OPT_NOARG, O_USER},
	{"time", 'T', OPT_NOARG, O_TIME},
	{"all", 'a', OPT_NOARG, O_ALL},
	{"map-root", 0, OPT_NOARG, O_MAP_ROOT},
	{"help", 'h', OPT_NOARG, O_HELP},
	{"version", 0, OPT_NOARG, O_VERSION},
	{0, 0, 0, 0},
};

static int ns_flag(int id)
{
	switch (id) {
	case O_PID: return CLONE_NEWPID;
	case O_MNT: return CLONE_NEWNS;
	case O_IPC: return CLONE_NEWIPC;
	case O_UTS: return CLONE_NEWUTS;
	case O_NET: return CLONE_NEWNET;
	case O_CGROUP: return CLONE_NEWCGROUP;
	case O_USER: return CLONE_NEWUSER;
	case O_TIME: return CLONE_NEWTIME;
	default: /* O_ALL */
		return CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET |
		       CLONE_NEWCGROUP;
	}
}

/* The end of an init's life: as PID 1 of the initial namespace exiting
 * would panic the kernel; inside a PID namespace reboot(2) ends the
 * namespace instead (its parent sees SIGINT for power-off, SIGHUP for
 * reboot; pid_namespaces(7)). */
static void halt_system(int cmd)
{
	sync();
	if (reboot(cmd) < 0) /* refused (seccomp?): say so and exit after all */
		msg_sys(errno, "nsinit", "cannot power off or reboot", NULL);
}

int nsinit_main(int argc, char **argv)
{
	sigset_t orig;
	struct reaper r = {.notify_fd = -1, .grace_ms = 5000, .who = "nsinit"};
	struct ns_config ns = {0, 0, NULL};
	struct opt_state st;
	int id, halt = 0, code;
	long v;

	/* First thing: a signal sent right after start is queued, not lost. */
	if (reaper_block_signals(&orig) < 0) {
		msg_sys(errno, "nsinit", "cannot block signals", NULL);
		return EXIT_OWN;
	}
	opt_init(&st, 0);
	while ((id = opt_next(&st, argc, argv, options)) > 0) {
		switch (id) {
		case O_HELP:
			return applet_usage(usage);
		case O_VERSION:
			return applet_version("nsinit");
		case O_PGROUP:
			r.flags |= REAPER_PGROUP;
			break;
		case O_EXIT_WITH_CHILD:
			r.flags |= REAPER_EXIT_WITH_CHILD;
			break;
		case O_VERBOSE:
			r.flags |= REAPER_VERBOSE;
			break;
		case O_SUB:
			break;
		case O_GRACE:
			if (parse_long(st.arg, 0, 86400, &v) < 0) {
				msg("nsinit", "bad --grace '", st.arg, "': want seconds 0..86400", NULL);
				return EXIT_OWN;
			}
			r.grace_ms = (unsigned)v * 1000;
			break;
		case O_NOTIFY:
			/* 0..2 would be closed for COMMAND by the close-on-exec flag. */
			if (parse_long(st.arg, 3, 1 << 20, &v) < 0) {
				msg("nsinit", "bad --notify-fd '", st.arg, "': want a descriptor >= 3", NULL);
				return EXIT_OWN;
			}
			r.notify_fd = (int)v;
			break;
		case O_POWEROFF:
			halt = RB_POWER_OFF;
			break;
		case O_REBOOT:
			halt = RB_AUTOBOOT;
			break;
		case O_MAP_ROOT:
			ns.setup |= NS_MAP_ROOT;
			break;
		default:
			ns.clone_flags |= ns_flag(id);
			break;
		}
	}
	if (id < 0) {
		msg("nsinit", opt_strerror(id), " '", st.bad, "' (see nsinit --help)", NULL);
		return EXIT_OWN;
	}
	if (st.ind >= argc) {
		msg("nsinit", "missing COMMAND (see nsinit --help)", NULL);
		return EXIT_OWN;
	}
	/* COMMAND must never inherit the notify fd: its EOF tells the reader
	 * that nsinit itself is gone. */
	if (r.notify_fd >= 0 && fcntl(r.notify_fd, F_SETFD, FD_CLOEXEC) < 0) {
		char num[24];
		msg_sys(errno, "nsinit", "bad --notify-fd ", fmt_i(num, r.notify_fd), NULL);
		return EXIT_OWN;
	}
	if ((ns.setup & NS_MAP_ROOT) && !(ns.clone_flags & CLONE_NEWUSER)) {
		msg("nsinit", "--map-root needs -U", NULL);
		return EXIT_OWN;
	}
	r.argv = argv + st.ind;
	r.child_mask = &orig;
	/* Only a caller in the terminal's foreground hands it on: a background
	 * `nsinit -g sh &` must not steal the terminal from the shell. */
	if ((r.flags & REAPER_PGROUP) && isatty(0) && tcgetpgrp(0) == getpgrp())
		r.flags |= REAPER_FOREGROUND;

	if (ns.clone_flags) {
		const char *step = "";
		pid_t pid;

		if (ns.clone_flags & CLONE_NEWNS) {
			ns.setup |= NS_PRIVATE_ROOT;
			if (ns.clone_flags & CLONE_NEWPID)
				ns.setup |= NS_MOUNT_PROC;
			if (ns.clone_flags & CLONE_NEWIPC)
				ns.setup |= NS_MOUNT_IPC;
		}
		if (ns.clone_flags & CLONE_NEWNET)
			ns.setup |= NS_LO_UP;
		ns.setup |= NS_DIE_WITH_PARENT;
		pid = ns_spawn(&ns, &step);
		if (pid < 0) {
			msg_sys(errno, "nsinit", step, NULL);
			return EXIT_OWN;
		}
		if (pid > 0) {
			/* The inner nsinit holds the notify fd; ours would hide its EOF. */
			if (r.notify_fd >= 0)
				close(r.notify_fd);
			return ns_wait_relay(pid);
		}
		if (ns_setup(&ns, &step) < 0) {
			msg_sys(errno, "nsinit", step, NULL);
			return EXIT_OWN;
		}
	}
	code = reaper_run(&r);
	if (halt && getpid() == 1)
		halt_system(halt);
	return code;
}
