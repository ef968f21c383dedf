/* encapsulate: run COMMAND in a read-only view of the system where only the
 * listed entries are writable, in new PID, mount, IPC, UTS, network (and
 * cgroup) namespaces, under the PID-1 reaper, with no capabilities left.
 * docs/encapsulate.1; shared/reference/sandbox.md for the original's flaws. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <linux/capability.h>

#include "applets.h"
#include "confine.h"
#include "err.h"
#include "landlock.h"
#include "mount.h"
#include "ns.h"
#include "nsenter.h"
#include "opt.h"
#include "reaper.h"
#include "sys.h"

static const char usage[] =
	"Usage: encapsulate [OPTIONS] 'W1|W2|...' COMMAND [ARGS...]\n"
	"Run COMMAND in a read-only view of the whole system in which only W1, W2,\n"
	"... (absolute paths of files or directories, mounts inside them included)\n"
	"are writable, in new PID, mount, IPC, UTS, network and cgroup namespaces,\n"
	"as the caller but with no capabilities and no_new_privs. '' makes nothing\n"
	"writable. Works for root and, through a user namespace, for other users.\n"
	"\n"
	"  --keep-fd N      pass descriptor N to COMMAND (repeatable; others above 2\n"
	"                   are closed)\n"
	"  --tmpfs PATH     fresh empty tmpfs (mode 1777) on the directory PATH\n"
	"                   (repeatable)\n"
	"  --hostname NAME  host name inside\n"
	"  --share-net      stay in the host's network namespace\n"
	"  -v, --verbose    trace the set-up steps on stderr\n"
	"  -h, --help       this text\n"
	"  --version        print the version\n"
	"\n"
	"Exit status: COMMAND's; 128+N if it died of signal N; 126 cannot execute;\n"
	"127 not found; 125 encapsulate's own failure (one line on stderr).\n";

#define WHO "encapsulate"
#define MAX_KEEP 64
#define MAX_TMPFS 16

enum { O_KEEP = 1, O_TMPFS, O_HOST, O_NET, O_VERB, O_HELP, O_VERS };

static const struct opt options[] = {
	{"keep-fd", 0, OPT_REQUIRED, O_KEEP},
	{"tmpfs", 0, OPT_REQUIRED, O_TMPFS},
	{"hostname", 0, OPT_REQUIRED, O_HOST},
	{"share-net", 0, OPT_NOARG, O_NET},
	{"verbose", 'v', OPT_NOARG, O_VERB},
	{"help", 'h', OPT_NOARG, O_HELP},
	{"version", 0, OPT_NOARG, O_VERS},
	{0, 0, 0, 0},
};

struct encap {
	int keep[MAX_KEEP];
	size_t n_keep;
	const char *tmpfs[MAX_TMPFS];
	size_t n_tmpfs;
	const char *hostname;
	int share_net, verbose, userns;
	int foreground;           /* we held the terminal's foreground at start */
	const char *list;         /* the writable list as given */
	const char **entries;
	int *entry_fd;
	size_t n_entries;
	char **argv;              /* COMMAND ARGS... */
	char cwd[PATH_MAX];
	sigset_t caller_mask;
	int alive_fd;             /* setuid mode, in the sandbox: the parent's liveness pipe */
	struct ns_net net;        /* the network namespace made beside the view (ns.h) */
};

/* Setuid-root mode (docs/encapsulate.1, SECURITY): whether this process
 * still holds root, and the caller's ids. "Still privileged" is this
 * variable, never a question to geteuid() (bubblewrap CVE-2020-5291). */
static struct {
	int held;
	uid_t uid;
	gid_t gid;
} priv;

static void trace(const char *step, const char *path)
{
	msg(WHO, step, path ? path : "", NULL);
}

static int bad(const char *a, const char *b, const char *c)
{
	msg(WHO, a, b, c, NULL);
	return EXIT_OWN;
}

/* 'W1|W2|...': each absolute and non-empty; '' means none (the original
 * aborted on it). Split in place so the pieces need no copy. */
static int parse_list(struct encap *e, const char *given)
{
	size_t len = strlen(given), n = mnt_list_count(given), size;
	const char *wrong;
	char *list, *area;

	if (!n)
		return 0;
	/* The pointers, the fds and a copy to cut into entries (argv stays as
	 * the caller wrote it), in one mapping that lives as long as we do:
	 * no malloc in the binary for this. */
	size = n * (sizeof *e->entries + sizeof *e->entry_fd) + len + 1;
	/* cppcheck-suppress invalidFunctionArg ; fd -1 is what MAP_ANONYMOUS asks for */
	area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return bad("out of memory", "", "");
	e->entries = (const char **)(void *)area;
	e->entry_fd = (int *)(void *)(area + n * sizeof *e->entries);
	list = area + n * (sizeof *e->entries + sizeof *e->entry_fd);
	memcpy(list, given, len + 1);
	if (mnt_list_split(list, e->entries, n, &wrong) < 0)
		return wrong ? bad("writable entry '", wrong, "' is not an absolute path")
		             : bad("empty element in the writable list '", e->list, "'");
	e->n_entries = n; /* entry_fd[i] are set as the entries are opened */
	return 0;
}

static int parse(struct encap *e, int argc, char **argv, int *done)
{
	struct opt_state st;
	long v;
	int id;

	*done = 0;
	opt_init(&st, 0);
	while ((id = opt_next(&st, argc, argv, options)) > 0) {
		switch (id) {
		case O_KEEP:
			if (parse_long(st.arg, 0, INT_MAX, &v) < 0)
				return bad("--keep-fd: not a descriptor number: '", st.arg, "'");
			if (e->n_keep == MAX_KEEP)
				return bad("--keep-fd: too many", "", "");
			if (fcntl((int)v, F_GETFD) < 0)
				return bad("--keep-fd: descriptor is not open: ", st.arg, "");
			e->keep[e->n_keep++] = (int)v;
			break;
		case O_TMPFS:
			if (st.arg[0] != '/')
				return bad("--tmpfs: not an absolute path: '", st.arg, "'");
			/* "/" itself would end up under the new root, doing nothing. */
			if (st.arg[strspn(st.arg, "/.")] == 0)
				return bad("--tmpfs: not on the root itself: '", st.arg, "'");
			if (e->n_tmpfs == MAX_TMPFS)
				return bad("--tmpfs: too many", "", "");
			e->tmpfs[e->n_tmpfs++] = st.arg;
			break;
		case O_HOST:
			if (!*st.arg || strlen(st.arg) > 64)
				return bad("--hostname: must be 1 to 64 bytes: '", st.arg, "'");
			e->hostname = st.arg;
			break;
		case O_NET:
			e->share_net = 1;
			break;
		case O_VERB:
			e->verbose = 1;
			break;
		case O_HELP:
		case O_VERS:
			*done = id; /* answered by the caller, privilege dropped */
			return 0;
		default:
			return bad("internal option error", "", "");
		}
	}
	if (id < 0)
		return bad(opt_strerror(id), " ", st.bad);
	if (st.ind >= argc)
		return bad("missing the writable list (see encapsulate --help)", "", "");
	if (st.ind + 1 >= argc)
		return bad("missing COMMAND (see encapsulate --help)", "", "");
	e->list = argv[st.ind];
	e->argv = argv + st.ind + 1;
	return parse_list(e, e->list);
}

/* Behind the read-only view, Landlock where the kernel has it: writes only
 * beneath the entries, the tmpfs folders, the few device nodes and /proc.
 * This closes the ways around mount flags: an inherited read-only fd on a
 * host file reopened for writing through /proc/self/fd, openat(2) on an
 * inherited host directory, and FIFOs (EROFS never applies to them: a
 * root-owned /run/initctl would take orders from inside). */
static int landlock_wall(const struct encap *e)
{
	static const char *const dev[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
	                                  "/dev/urandom", "/dev/tty", "/dev/ptmx", "/dev/pts",
	                                  "/proc"};
	size_t n = sizeof dev / sizeof dev[0], i, k = 0;
	int all[e->n_entries + e->n_tmpfs + n], rc, err; /* a few per entry given in argv */

	for (i = 0; i < e->n_entries + e->n_tmpfs + n; i++) {
		const char *path = i < e->n_entries ? e->entries[i]
		                 : i < e->n_entries + e->n_tmpfs ? e->tmpfs[i - e->n_entries]
		                 : dev[i - e->n_entries - e->n_tmpfs];
		int fd = open(path, O_PATH | O_CLOEXEC);
		if (fd >= 0)
			all[k++] = fd;
		else if (i < e->n_entries + e->n_tmpfs)
			goto fail; /* attached a moment ago: must be there */
	}
	rc = landlock_writable_only(all, k);
	err = errno;
	while (k)
		close(all[--k]);
	errno = err;
	if (rc == 1 && e->verbose)
		trace("this kernel has no Landlock: mount flags only", NULL);
	return rc < 0 ? -1 : 0;
fail:
	err = errno;
	while (k)
		close(all[--k]);
	errno = err;
	return -1;
}

/* Called before anything else is looked at. A setuid-root binary run by
 * another user: take the real and saved uid as well, so that the caller can
 * neither signal nor trace us (kill(2) and ptrace(2) compare the caller's ids
 * with our real and saved ones), and be not dumpable. Any other mix of ids
 * (setgid only, setuid to a user other than root) is dropped, as it is for
 * every other applet. */
static int take_privilege(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -1;
	if (eu != 0 || ru == 0)
		return applet_drop_privilege();
	priv.held = 1;
	priv.uid = ru;
	priv.gid = rg;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || sys_setresuid(0, 0, 0) < 0)
		return -1;
	return 0;
}

/* The effective and permitted capabilities, together (all set if unknown). */
static unsigned long long caps(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return ~0ull;
	return (d[0].effective | d[0].permitted) | (unsigned long long)(d[1].effective | d[1].permitted) << 32;
}

/* Setuid mode: are all ids the caller's (real, effective, saved and
 * file-system; setfs*id(-1) changes nothing and returns the current one),
 * with no capability left? */
static int is_caller(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	errno = EPERM;
	return getresuid(&ru, &eu, &su) == 0 && getresgid(&rg, &eg, &sg) == 0 && ru == priv.uid &&
	       eu == priv.uid && su == priv.uid && (uid_t)setfsuid((uid_t)-1) == priv.uid &&
	       rg == priv.gid && eg == priv.gid && sg == priv.gid &&
	       (gid_t)setfsgid((gid_t)-1) == priv.gid && !caps();
}

/* Setuid mode: give up everything for good (the waiting parent; or the whole
 * run when a user namespace can do the work). Leaving uid 0 empties the
 * capability sets; all of it is read back. */
static int drop_to_caller(const char **step)
{
	*step = "cannot drop privilege";
	if (sys_setresgid(priv.gid, priv.gid, priv.gid) < 0 || sys_setresuid(priv.uid, priv.uid, priv.uid) < 0 ||
	    !is_caller())
		return -1;
	priv.held = 0;
	return 0;
}

/* Setuid mode: can the caller itself create a user namespace, and a mount
 * namespace in it? The kernel may refuse either (user.max_user_namespaces=0,
 * Debian's unprivileged_userns_clone=0, an LSM such as Ubuntu's AppArmor
 * policy). Asked in a child that is the caller and nothing more: root's
 * answer would say nothing about the caller's. */
static int caller_has_userns(void)
{
	const char *step;
	pid_t pid = sys_fork();
	int st;

	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(drop_to_caller(&step) == 0 && unshare(CLONE_NEWUSER) == 0 &&
		      unshare(CLONE_NEWNS) == 0 ? 0 : 1);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Setuid mode, in the sandbox, before the first path the caller named: look
 * at files as the caller (file-system ids; the caller's groups were never
 * changed; the kernel drops CAP_DAC_* and the other file capabilities from
 * the effective set when fsuid leaves 0), and keep only what building the
 * view and the final switch to the caller need. */
static int files_as_caller(const char **step)
{
	setfsgid(priv.gid);
	setfsuid(priv.uid);
	/* setfs*id report no error: an invalid id changes nothing and returns
	 * the current one. */
	*step = "cannot take the caller's file-system ids";
	errno = EPERM;
	if ((gid_t)setfsgid((gid_t)-1) != priv.gid || (uid_t)setfsuid((uid_t)-1) != priv.uid)
		return -1;
	/* A credential change resets "dumpable" to fs.suid_dumpable: say no
	 * again, whatever the administrator set there. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -1;
	return confine_lower_caps((1ull << CAP_SYS_ADMIN) | (1ull << CAP_SYS_CHROOT) |
	                          (1ull << CAP_SETPCAP) | (1ull << CAP_SETUID) | (1ull << CAP_SETGID),
	                          step);
}

/* Inside the namespaces, as PID 1: build the view, give up all power, then
 * become the reaper of COMMAND. Never returns. */
static void __attribute__((noreturn)) sandbox(struct encap *e, const struct ns_config *nc)
{
	const char *step = NULL;
	int keep[MAX_KEEP + 3];
	size_t n_keep;
	struct mnt_fail f;
	struct mnt_view v;
	size_t i;
	int code;

	/* The caller's descriptors first: one on a host directory would be a
	 * way out of the view (runc CVE-2024-21626, the original's fd 7). */
	memcpy(keep, e->keep, e->n_keep * sizeof *keep);
	n_keep = e->n_keep;
	if (e->alive_fd >= 0)
		keep[n_keep++] = e->alive_fd;
	if (nc->net) {
		keep[n_keep++] = nc->net->sock;
		keep[n_keep++] = nc->net->pidfd;
	}
	if (confine_close_fds(keep, n_keep, &step) < 0)
		goto fail;
	if (mnt_make_private_root() < 0) {
		step = "cannot make / private (a chroot whose mount may be shared?)";
		goto fail;
	}
	if (ns_setup(nc, &step) < 0)
		goto fail;
	if (e->hostname && sethostname(e->hostname, strlen(e->hostname)) < 0) {
		step = "cannot set the host name";
		goto fail;
	}
	/* In the user namespace we hold CAP_DAC_* over the files of our own
	 * ids: keep only what mounting needs, so every path below is looked up
	 * with the caller's permissions, like on the host. */
	if (e->userns && confine_lower_caps((1ull << CAP_SYS_ADMIN) | (1ull << CAP_SYS_CHROOT) |
	                                    (1ull << CAP_SETPCAP), &step) < 0)
		goto fail;
	if (priv.held && files_as_caller(&step) < 0)
		goto fail;
	for (i = 0; i < e->n_entries; i++) {
		int fd = mnt_open_entry(e->entries[i]);
		/* The caller must be able to read and write it. One message for
		 * every reason, so that nothing tells whether it exists. Before
		 * Linux 5.8 (no faccessat2) being able to open it is all we check,
		 * except in setuid mode, which then refuses every entry. */
		if (fd < 0 || (syscall(SYS_faccessat2, fd, "", R_OK | W_OK, AT_EMPTY_PATH | AT_EACCESS) < 0 &&
		               (errno != ENOSYS || priv.held))) {
			msg(WHO, "writable entry '", e->entries[i],
			    "' does not exist or you cannot read and write it", NULL);
			_exit(EXIT_OWN);
		}
		e->entry_fd[i] = fd;
	}
	memset(&v, 0, sizeof v);
	v.writable_fd = e->entry_fd;
	v.writable = e->entries;
	v.n_writable = e->n_entries;
	v.tmpfs = e->tmpfs;
	v.n_tmpfs = e->n_tmpfs;
	v.trace = e->verbose ? trace : NULL;
	if (mnt_build_view(&v, &f) < 0) {
		msg_sys(errno, WHO, f.step, f.path ? " " : "", f.path ? f.path : "", NULL);
		_exit(EXIT_OWN);
	}
	for (i = 0; i < e->n_entries; i++)
		if (close(e->entry_fd[i]) < 0)
			goto fail_close;
	if (nc->net && ns_net_join(nc->net, &step) < 0)
		goto fail;
	if (priv.held) {
		if (confine_drop_all_as(priv.uid, priv.gid, &step) < 0)
			goto fail;
		step = "cannot drop privilege";
		if (!is_caller())
			goto fail;
		priv.held = 0;
		/* Only now can the parent's death reach us (ns.h, ns_clone). */
		if (ns_die_with_parent(e->alive_fd) < 0) {
			if (errno == ESRCH)
				_exit(EXIT_OWN);
			step = "cannot set the parent-death signal";
			goto fail;
		}
		if (close(e->alive_fd) < 0)
			goto fail_close;
	} else if (confine_drop_all(&step) < 0) {
		goto fail;
	}
	if (landlock_wall(e) < 0) {
		step = "cannot restrict writes with Landlock";
		goto fail;
	}
	/* The reaper holds what COMMAND must not touch: its status, its clean-up.
	 * exec makes COMMAND itself dumpable again. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		step = "cannot make the reaper undumpable";
		goto fail;
	}
	/* As the caller, inside the view only: never a directory outside it
	 * (the original's deleted-cwd escape). COMMAND inherits it at fork. */
	if (chdir(e->cwd) < 0) {
		msg_sys(errno, WHO, "cannot enter the working directory ", e->cwd, " inside", NULL);
		_exit(EXIT_OWN);
	}
	if (confine_block_tty_inject(&step) < 0)
		goto fail;
	if (e->verbose)
		trace("view ready, running COMMAND", NULL);
	{
		struct reaper r;
		memset(&r, 0, sizeof r);
		r.argv = e->argv;
		r.child_mask = &e->caller_mask;
		r.notify_fd = -1;
		/* Own process group (and the terminal's foreground) only when we
		 * hold the foreground: then keyboard signals reach COMMAND once,
		 * from the terminal, and not again through us. */
		r.flags = REAPER_EXIT_WITH_CHILD | (e->verbose ? REAPER_VERBOSE : 0);
		if (e->foreground)
			r.flags |= REAPER_PGROUP | REAPER_FOREGROUND;
		/* SIGTERM to the sandbox gives COMMAND this long to run its
		 * handler before everything left is killed; also the time orphans
		 * get between TERM and KILL once COMMAND is gone. */
		r.grace_ms = 2000;
		r.who = WHO;
		code = reaper_run(&r);
	}
	_exit(code);
fail_close:
	step = "cannot close a descriptor";
fail:
	msg_sys(errno, WHO, step, NULL);
	_exit(EXIT_OWN);
}

int encapsulate_main(int argc, char **argv)
{
	struct encap e;
	struct ns_config nc;
	struct stat st;
	const char *step = NULL;
	pid_t child, fg = -1;
	int done, rc;

	/* First of all, so no signal is lost or acted on by default while the
	 * sandbox is built (core/reaper.h). */
	memset(&e, 0, sizeof e);
	e.alive_fd = -1;
	if (reaper_block_signals(&e.caller_mask) < 0) {
		msg_sys(errno, WHO, "cannot block signals", NULL);
		return EXIT_OWN;
	}
	if (take_privilege() < 0) {
		msg_sys(errno, WHO, "cannot set up the setuid mode", NULL);
		return EXIT_OWN;
	}
	rc = parse(&e, argc, argv, &done);
	if (rc)
		return rc;
	if (done) {
		if (priv.held && drop_to_caller(&step) < 0) {
			msg_sys(errno, WHO, step, NULL);
			return EXIT_OWN;
		}
		return done == O_HELP ? applet_usage(usage) : applet_version(WHO);
	}
	if (!sys_getcwd(e.cwd, sizeof e.cwd)) {
		msg_sys(errno, WHO, "cannot determine the working directory", NULL);
		return EXIT_OWN;
	}
	/* Setuid mode: a user namespace does everything an unprivileged
	 * caller needs; then nothing privileged happens at all. The process
	 * is then the caller's own, and must be dumpable again to write its
	 * id maps (/proc/self files of a non-dumpable process belong to root). */
	if (priv.held && caller_has_userns() &&
	    (drop_to_caller(&step) < 0 || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)) {
		msg_sys(errno, WHO, step, NULL);
		return EXIT_OWN;
	}
	/* Root (CAP_SYS_ADMIN) builds the sandbox in its own user namespace;
	 * anyone else gets a user namespace mapping only their own ids, or,
	 * in setuid mode, root builds it for them. */
	e.userns = !priv.held && !(caps() >> CAP_SYS_ADMIN & 1);
	memset(&nc, 0, sizeof nc);
	nc.clone_flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
	/* The network namespace, the costliest by far, is made beside the
	 * view where the sandbox can join it by pidfd; not in setuid mode,
	 * where the sandbox may not ptrace its helper (undumpable). */
	if (!e.share_net && !priv.held && nse_pidfd_setns_works())
		nc.net = &e.net;
	else if (!e.share_net)
		nc.clone_flags |= CLONE_NEWNET;
	if (e.userns)
		nc.clone_flags |= CLONE_NEWUSER;
	/* "cgroup where available": the kernel says so through /proc. */
	if (stat("/proc/self/ns/cgroup", &st) == 0)
		nc.clone_flags |= CLONE_NEWCGROUP;
	nc.setup = NS_DIE_WITH_PARENT | ((nc.clone_flags & CLONE_NEWNET) ? NS_LO_UP : 0);
	/* Decided out here: inside the new PID namespace both getpgrp() and
	 * tcgetpgrp() of a host group read 0, equal even in the background. */
	if (isatty(0) && tcgetpgrp(0) == getpgrp()) {
		fg = getpgrp();
		e.foreground = 1;
	}
	/* Setuid mode: the namespaces are the child's alone, and we wait as
	 * the caller, holding nothing. */
	child = priv.held ? ns_clone(&nc, &e.alive_fd, &step) : ns_spawn(&nc, &step);
	if (child < 0) {
		msg_sys(errno, WHO, step, NULL);
		return EXIT_OWN;
	}
	if (child == 0)
		sandbox(&e, &nc);
	if (priv.held && drop_to_caller(&step) < 0) {
		msg_sys(errno, WHO, step, NULL);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return EXIT_OWN;
	}
	rc = ns_wait_relay(child);
	/* COMMAND took the terminal's foreground: give it back to the caller's
	 * group (SIGTTOU is blocked, so this cannot stop us). */
	if (fg > 0 && tcgetpgrp(0) != fg)
		tcsetpgrp(0, fg);
	return rc;
}
