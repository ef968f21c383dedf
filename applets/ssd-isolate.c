/* ssd-isolate: Debian's start-stop-daemon (dpkg 1.21 behaviour, option for
 * option, same messages and exit codes; shared/reference/start-stop-daemon.md)
 * plus --isolate, which runs the daemon under the core reaper as PID 1 of new
 * namespaces. docs/ssd-isolate.8 lists where we deliberately differ. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "applets.h"
#include "err.h"
#include "ns.h"
#include "opt.h"
#include "passwd.h"
#include "pidfile.h"
#include "reaper.h"
#include "spec.h"
#include "sys.h"

static const char usage[] =
	"Usage: ssd-isolate [<option>...] <command>\n"
	"start-stop-daemon (dpkg 1.21) plus --isolate; see ssd-isolate(8).\n"
	"\n"
	"Commands: -S|--start [--] <arg>...  -K|--stop  -T|--status  --pidof\n"
	"          -H|--help  -V|--version\n"
	"Matching: --pid <pid>  --ppid <ppid>  -p|--pidfile <file>  -x|--exec <exe>\n"
	"          -n|--name <name>  -u|--user <user|uid>\n"
	"Options:  -g|--group <group|gid>  -c|--chuid <user|uid[:group|gid]>\n"
	"          -s|--signal <sig>  -R|--retry <schedule>  -a|--startas <path>\n"
	"          -r|--chroot <dir>  -d|--chdir <dir>  -N|--nicelevel <incr>\n"
	"          -P|--procsched <other|fifo|rr[:prio]>\n"
	"          -I|--iosched <real-time|best-effort|idle[:prio]>  -k|--umask <mask>\n"
	"          -b|--background  -C|--no-close  -O|--output <file>\n"
	"          --notify-await  --notify-timeout <secs>  -m|--make-pidfile\n"
	"          --remove-pidfile  -t|--test  -o|--oknodo  -q|--quiet  -v|--verbose\n"
	"          --isolate[=pid,mount,ipc,uts,net,cgroup|all]  (default pid,mount,ipc)\n"
	"Retry <schedule>: <timeout> (= <signal>/<timeout>/KILL/<timeout>), or\n"
	"          items joined by '/': -<signum>|[-]<signame>, <timeout>, forever\n"
	"Exit status: 0 done, 1 nothing done (0 with --oknodo), 2 failed or\n"
	"          --retry ran out, 3 usage error; --status: 0 running, 1 dead but\n"
	"          pidfile exists, 3 not running, 4 unknown\n";

enum { ACT_NONE, ACT_START, ACT_STOP, ACT_STATUS, ACT_PIDOF };
enum { ST_OK = 0, ST_DEAD_PIDFILE = 1, ST_DEAD = 3, ST_UNKNOWN = 4 };
enum { M_PID = 1, M_PPID = 2, M_PIDFILE = 4, M_EXEC = 8, M_NAME = 16, M_USER = 32 };
enum {
	O_PID = 256, O_PPID, O_RMPID, O_NAWAIT, O_NTIMEOUT, O_ISOLATE, O_PIDOF,
};

/* dpkg's long option table order: getopt lists ambiguous matches in it.
 * Our additions only match when written in full. */
static const struct opt options[] = {
	{"help", 'H', OPT_NOARG, 'H'},
	{"stop", 'K', OPT_NOARG, 'K'},
	{"start", 'S', OPT_NOARG, 'S'},
	{"status", 'T', OPT_NOARG, 'T'},
	{"version", 'V', OPT_NOARG, 'V'},
	{"startas", 'a', OPT_REQUIRED, 'a'},
	{"name", 'n', OPT_REQUIRED, 'n'},
	{"oknodo", 'o', OPT_NOARG, 'o'},
	{"pid", 0, OPT_REQUIRED, O_PID},
	{"ppid", 0, OPT_REQUIRED, O_PPID},
	{"pidfile", 'p', OPT_REQUIRED, 'p'},
	{"quiet", 'q', OPT_NOARG, 'q'},
	{"signal", 's', OPT_REQUIRED, 's'},
	{"test", 't', OPT_NOARG, 't'},
	{"user", 'u', OPT_REQUIRED, 'u'},
	{"group", 'g', OPT_REQUIRED, 'g'},
	{"chroot", 'r', OPT_REQUIRED, 'r'},
	{"verbose", 'v', OPT_NOARG, 'v'},
	{"exec", 'x', OPT_REQUIRED, 'x'},
	{"chuid", 'c', OPT_REQUIRED, 'c'},
	{"nicelevel", 'N', OPT_REQUIRED, 'N'},
	{"procsched", 'P', OPT_REQUIRED, 'P'},
	{"iosched", 'I', OPT_REQUIRED, 'I'},
	{"umask", 'k', OPT_REQUIRED, 'k'},
	{"background", 'b', OPT_NOARG, 'b'},
	{"notify-await", 0, OPT_NOARG, O_NAWAIT},
	{"notify-timeout", 0, OPT_REQUIRED, O_NTIMEOUT},
	{"no-close", 'C', OPT_NOARG, 'C'},
	{"output", 'O', OPT_REQUIRED, 'O'},
	{"make-pidfile", 'm', OPT_NOARG, 'm'},
	{"remove-pidfile", 0, OPT_NOARG, O_RMPID},
	{"retry", 'R', OPT_REQUIRED, 'R'},
	{"chdir", 'd', OPT_REQUIRED, 'd'},
	{"pidof", 0, OPT_EXACT, O_PIDOF}, /* OPT_NOARG is 0 */
	{"isolate", 0, OPT_OPTIONAL | OPT_EXACT, O_ISOLATE},
	{0, 0, 0, 0},
};

struct pids {
	pid_t *v;
	size_t n, cap;
};

struct ssd {
	int action, quiet, exitnodo, test, background, close_io, mkpid, rmpid;
	int notify_await, notify_timeout, signal, nice, umask, match;
	int isolate, ns_flags;
	const char *startas, *execname, *cmdname, *userspec, *pidfile, *output;
	const char *changeroot, *changedir, *changegroup, *isolate_list;
	char *changeuser;
	char *execpath; /* execname made absolute (dpkg: changedir + "/" + name) */
	pid_t match_pid, match_ppid;
	uid_t user_id;
	int runas_uid, runas_gid; /* -1: unchanged */
	struct spec_prio procsched, iosched;
	int has_procsched, has_iosched;
	struct sched_item *sched;
	int nsched;
	struct stat exec_st;
	char **args;
	int nargs;
	/* matching state */
	struct pids found, killed;
	pid_t pidfile_pid;    /* cached for the whole run, as dpkg (#460903) */
	int iso_mode;         /* how pidfile_pid relates to an isolated daemon */
	pid_t iso_target;     /* host pid the pidfile stands for */
	unsigned long my_pidns;
	char what[PATH_MAX + 64];
	/* --start */
	int devnull_fd, output_fd, notify_fd;
	char notify_dir[PATH_MAX];
	int stdio_sock;
};

static const char *prog = "ssd-isolate";
static int fail_code = 2; /* 4 under --status/--pidof (LSB "unknown") */

/* "prog: pieces[ (strerror)]\n" on fd: dpkg's fatal()/warning() format. */
static void vsay(int fd, int err, const char *pre, va_list ap)
{
	char buf[2048];
	size_t used = 0;
	const char *s;

#define ADD(str) do { size_t l_ = strlen(str); if (l_ > sizeof buf - 2 - used) l_ = sizeof buf - 2 - used; \
		memcpy(buf + used, str, l_); used += l_; } while (0)
	ADD(prog);
	ADD(pre);
	while ((s = va_arg(ap, const char *)))
		ADD(s);
	if (err) {
		ADD(" (");
		ADD(strerror(err));
		ADD(")");
	}
#undef ADD
	buf[used++] = '\n';
	write_all(fd, buf, used);
}

static void __attribute__((noreturn, sentinel)) fatal(int err, ...)
{
	va_list ap;
	va_start(ap, err);
	vsay(2, err, ": ", ap);
	va_end(ap);
	exit(fail_code);
}

static void __attribute__((sentinel)) warn(const char *first, ...)
{
	va_list ap;
	va_start(ap, first);
	vsay(2, 0, first, ap);
	va_end(ap);
}

static void __attribute__((noreturn)) badusage(const char *m)
{
	if (m)
		put(2, prog, ": ", m, "\n", NULL);
	put(2, "Try '", prog, " --help' for more information.\n", NULL);
	exit(fail_code == 2 ? 3 : 4);
}

/* All the memory a run needs comes from one lazily touched mapping: malloc
 * would cost more bytes of binary than everything here together. */
static void *xalloc(size_t n)
{
	enum { ARENA = 8 << 20 };
	static char *base;
	static size_t used;

	n = (n + 15) & ~(size_t)15;
	if (!base) {
		/* cppcheck-suppress invalidFunctionArg ; MAP_ANONYMOUS takes fd -1 (mmap(2)) */
		void *m = mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			fatal(errno, "malloc failed", NULL);
		base = m;
	}
	if (n > ARENA - used)
		fatal(ENOMEM, "malloc failed", NULL);
	used += n;
	return base + used - n;
}

/* dst (cap bytes) = the pieces one after the other, cut to fit. */
static char *__attribute__((sentinel)) concat(char *dst, size_t cap, ...)
{
	size_t used = 0;
	const char *p;
	va_list ap;

	va_start(ap, cap);
	while ((p = va_arg(ap, const char *)))
		for (; *p && used < cap - 1; p++)
			dst[used++] = *p;
	va_end(ap);
	dst[used] = 0;
	return dst;
}

static char *xstrdup(const char *s)
{
	return strcpy(xalloc(strlen(s) + 1), s);
}

/* setenv(3) without malloc; kv stays referenced. */
static void env_set(const char *kv)
{
	extern char **environ;
	size_t n, klen = strcspn(kv, "=") + 1;
	char **e;

	for (n = 0; environ && environ[n]; n++)
		if (!strncmp(environ[n], kv, klen)) {
			environ[n] = (char *)kv;
			return;
		}
	e = xalloc((n + 2) * sizeof *e);
	if (n)
		memcpy(e, environ, n * sizeof *e);
	e[n] = (char *)kv;
	e[n + 1] = NULL;
	environ = e;
}

static int set_action(struct ssd *o, int a, int probe)
{
	if (o->action == a)
		return 0;
	if (o->action != ACT_NONE) {
		if (probe)
			return -1;
		badusage("only one command can be specified");
	}
	o->action = a;
	if (!probe)
		fail_code = (a == ACT_STATUS || a == ACT_PIDOF) ? 4 : 2;
	return 0;
}

/* getopt_long's messages, which dpkg prints through glibc. */
static void __attribute__((noreturn)) opt_error(int rc, struct opt_state *st, char **argv)
{
	const char *typed = argv[st->ind - 1];
	char list[512] = "";
	const struct opt *o;

	if (st->bad[1] != '-') {
		if (rc == OPT_MISSING)
			put(2, prog, ": option requires an argument -- '", st->bad + 1, "'\n", NULL);
		else
			put(2, prog, ": invalid option -- '", st->bad + 1, "'\n", NULL);
	} else if (rc == OPT_MISSING) {
		put(2, prog, ": option '", st->bad, "' requires an argument\n", NULL);
	} else if (rc == OPT_UNEXPECTED) {
		put(2, prog, ": option '", st->bad, "' doesn't allow an argument\n", NULL);
	} else if (rc == OPT_AMBIGUOUS) {
		size_t len = strcspn(typed + 2, "=");
		for (o = options; o->name; o++)
			if (!(o->arg & OPT_EXACT) && !strncmp(o->name, typed + 2, len) &&
			    strlen(list) + strlen(o->name) + 5 < sizeof list) {
				strcat(list, " '--");
				strcat(list, o->name);
				strcat(list, "'");
			}
		put(2, prog, ": option '", typed, "' is ambiguous; possibilities:", list, "\n", NULL);
	} else {
		put(2, prog, ": unrecognized option '", typed, "'\n", NULL);
	}
	badusage(NULL);
}

/* Command line to struct, dpkg's parse_options. Also used on the command
 * line of a running reaper (probe: no output, no exit, -1 unless it is a
 * --start --isolate). */
static int parse(struct ssd *o, int argc, char **argv, int probe)
{
	const char *pid_s = NULL, *ppid_s = NULL, *umask_s = NULL, *sig_s = NULL, *retry_s = NULL;
	const char *proc_s = NULL, *io_s = NULL, *ntimeout_s = NULL, *group;
	char **words = NULL;
	struct opt_state st;
	int id, nwords = 0;
	char user[256];

	memset(o, 0, sizeof *o);
	o->exitnodo = 1;
	o->close_io = 1;
	o->signal = SIGTERM;
	o->umask = -1;
	o->notify_timeout = 60;
	o->runas_uid = o->runas_gid = -1;
	o->changedir = "/";
	o->devnull_fd = o->output_fd = o->notify_fd = o->stdio_sock = -1;
	opt_init(&st, OPT_PERMUTE | OPT_PREFIX);
	words = xalloc(((size_t)argc + 2) * sizeof *words);
	while ((id = opt_next(&st, argc, argv, options)) != OPT_DONE) {
		const char *a = st.arg;
		if (id < 0 && id != OPT_WORD) {
			if (probe)
				goto bad;
			opt_error(id, &st, argv);
		}
		switch (id) {
		case OPT_WORD: words[nwords++] = (char *)a; break;
		case 'H':
			if (probe)
				goto bad;
			exit(applet_usage(usage));
		case 'V':
			if (probe)
				goto bad;
			exit(applet_version("ssd-isolate"));
		case 'K':
			if (set_action(o, ACT_STOP, probe) < 0)
				goto bad;
			break;
		case 'S':
			if (set_action(o, ACT_START, probe) < 0)
				goto bad;
			break;
		case 'T':
			if (set_action(o, ACT_STATUS, probe) < 0)
				goto bad;
			break;
		case O_PIDOF:
			if (set_action(o, ACT_PIDOF, probe) < 0)
				goto bad;
			break;
		case 'a': o->startas = a; break;
		case 'n': o->match |= M_NAME; o->cmdname = a; break;
		case 'o': o->exitnodo = 0; break;
		case O_PID: o->match |= M_PID; pid_s = a; break;
		case O_PPID: o->match |= M_PPID; ppid_s = a; break;
		case 'p': o->match |= M_PIDFILE; o->pidfile = a; break;
		case 'q': o->quiet = 1; break;
		case 's': sig_s = a; break;
		case 't': o->test = 1; break;
		case 'u': o->match |= M_USER; o->userspec = a; break;
		case 'v': o->quiet = -1; break;
		case 'x': o->match |= M_EXEC; o->execname = a; break;
		case 'c':
			if (spec_user_group(a, user, sizeof user, &group) < 0) {
				if (probe)
					goto bad;
				if (errno == EINVAL)
					fatal(0, "missing group name", NULL);
				fatal(0, "user '", a, "' not found", NULL);
			}
			o->changeuser = xstrdup(user);
			if (group)
				o->changegroup = group;
			break;
		case 'g': o->changegroup = a; break;
		case 'r': o->changeroot = a; break;
		case 'N': o->nice = atoi(a); break; /* NOLINT(cert-err34-c): dpkg's atoi, unchecked on purpose */
		case 'P': proc_s = a; break;
		case 'I': io_s = a; break;
		case 'k': umask_s = a; break;
		case 'b': o->background = 1; break;
		case O_NAWAIT: o->notify_await = 1; break;
		case O_NTIMEOUT: ntimeout_s = a; break;
		case 'C': o->close_io = 0; break;
		case 'O': o->output = a; break;
		case 'm': o->mkpid = 1; break;
		case O_RMPID: o->rmpid = 1; break;
		case 'R': retry_s = a; break;
		case 'd': o->changedir = a; break;
		case O_ISOLATE: o->isolate = 1; o->isolate_list = a; break;
		default: break;
		}
	}
	o->args = words;
	while (st.ind < argc)
		words[nwords++] = argv[st.ind++];
	o->nargs = nwords;
	if (probe)
		return o->action == ACT_START && o->isolate ? 0 : -1;

	if (pid_s && (spec_uint(pid_s, 10, &o->match_pid) || !o->match_pid))
		badusage("pid value must be a number greater than 0");
	if (ppid_s && (spec_uint(ppid_s, 10, &o->match_ppid) || !o->match_ppid))
		badusage("ppid value must be a number greater than 0");
	if (sig_s && spec_signal(sig_s, &o->signal))
		badusage("signal value must be numeric or name of signal (KILL, INT, ...)");
	if (retry_s) {
		int rc;
		o->sched = xalloc((size_t)spec_schedule_len(retry_s) * sizeof *o->sched);
		rc = spec_schedule(retry_s, o->signal, o->sched, &o->nsched);
		if (rc)
			badusage(spec_schedule_strerror(rc));
	}
	if (proc_s) {
		o->has_procsched = 1;
		switch (spec_procsched(proc_s, &o->procsched)) {
		case PRIO_BAD_NUMBER: fatal(0, "invalid process scheduler priority", NULL);
		case PRIO_BAD_NAME: badusage("invalid process scheduler policy");
		case PRIO_TOO_LOW: badusage("process scheduler priority less than min");
		case PRIO_TOO_HIGH: badusage("process scheduler priority greater than max");
		default: break;
		}
	}
	if (io_s) {
		o->has_iosched = 1;
		switch (spec_iosched(io_s, &o->iosched)) {
		case PRIO_BAD_NUMBER: fatal(0, "invalid IO scheduler priority", NULL);
		case PRIO_BAD_NAME: badusage("invalid IO scheduler policy");
		case PRIO_TOO_HIGH: badusage("IO scheduler priority greater than max");
		default: break;
		}
	}
	if (umask_s && spec_uint(umask_s, 0, &o->umask))
		badusage("umask value must be a positive number");
	if (ntimeout_s && spec_uint(ntimeout_s, 10, &o->notify_timeout))
		badusage("invalid notify timeout value");
	if (o->output && o->output[0] != '/')
		badusage("--output file needs to be an absolute filename");
	if (o->isolate) {
		const char *badword;
		o->ns_flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC;
		if (o->isolate_list && ns_parse_list(o->isolate_list, &o->ns_flags, &badword) < 0) {
			put(2, prog, ": invalid namespace '", badword, "' in --isolate\n", NULL);
			badusage(NULL);
		}
		/* The reaper is PID 1 of a new PID namespace, and /proc must show it. */
		o->ns_flags |= CLONE_NEWPID | CLONE_NEWNS;
		if (o->ns_flags & CLONE_NEWUSER)
			badusage("--isolate does not take 'user'");
	}
	if (o->action == ACT_NONE)
		badusage("need one of --start or --stop or --status");
	if (!o->match || (!o->execname && !o->cmdname && !o->userspec && !pid_s && !ppid_s && !o->pidfile))
		badusage("need at least one of --exec, --pid, --ppid, --pidfile, --user or --name");
	if (o->cmdname && strlen(o->cmdname) > 15)
		warn(": warning: ", "this system is not able to track process names\n"
		     "longer than 15 characters, please use --exec instead of --name.", NULL);
	if (!o->startas)
		o->startas = o->execname;
	if (o->action == ACT_START && !o->startas)
		badusage("--start needs --exec or --startas");
	if (o->mkpid && !o->pidfile)
		badusage("--make-pidfile requires --pidfile");
	if (o->rmpid && !o->pidfile)
		badusage("--remove-pidfile requires --pidfile");
	if (pid_s && o->pidfile)
		badusage("need either --pid or --pidfile, not both");
	if (o->background && o->action != ACT_START)
		badusage("--background is only relevant with --start");
	if (!o->close_io && !o->background)
		badusage("--no-close is only relevant with --background");
	if (o->output && !o->background)
		badusage("--output is only relevant with --background");
	if (o->isolate && o->action != ACT_START)
		badusage("--isolate is only relevant with --start");
	return 0;
bad:
	return -1;
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = xalloc(a + b + 2);
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

/* dpkg's setup_options: stat --exec, look the users and groups up. */
static void setup(struct ssd *o)
{
	if (o->execname) {
		char *full;
		o->execpath = o->execname[0] == '/' ? (char *)o->execname : join(o->changedir, o->execname);
		full = o->changeroot ? join(o->changeroot, o->execpath) : o->execpath;
		if (stat(full, &o->exec_st) < 0)
			fatal(errno, "unable to stat ", full, NULL);
	}
	if (o->userspec) {
		int uid;
		if (spec_uint(o->userspec, 10, &uid) == 0) {
			o->user_id = (uid_t)uid;
		} else {
			struct db_user u;
			if (db_user(o->userspec, 0, &u) < 0)
				fatal(0, "user '", o->userspec, "' not found", NULL);
			o->user_id = u.uid;
		}
	}
	if (o->changegroup && spec_uint(o->changegroup, 10, &o->runas_gid) < 0) {
		struct db_group g;
		if (db_group(o->changegroup, 0, &g) < 0)
			fatal(0, "group '", o->changegroup, "' not found", NULL);
		o->changegroup = xstrdup(g.name);
		o->runas_gid = (int)g.gid;
	}
	if (o->changeuser) {
		struct db_user u;
		struct stat st;
		int numeric = spec_uint(o->changeuser, 10, &o->runas_uid) == 0;
		if (db_user(numeric ? NULL : o->changeuser, (uid_t)o->runas_uid, &u) < 0)
			fatal(0, "user '", o->changeuser, "' not found", NULL);
		o->changeuser = xstrdup(u.name);
		o->runas_uid = (int)u.uid;
		if (!o->changegroup) {
			o->changegroup = "";
			o->runas_gid = (int)u.gid;
		}
		/* dpkg sets HOME only when the directory exists (nobody: /nonexistent). */
		if (stat(u.home, &st) == 0) {
			size_t len = strlen(u.home) + 6;
			env_set(concat(xalloc(len), len, "HOME=", u.home, NULL));
		}
	}
}

/* ---- looking at processes through /proc ------------------------------- */

static void pids_push(struct pids *l, pid_t pid)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		pid_t *v = xalloc(cap * sizeof *v);
		if (l->n)
			memcpy(v, l->v, l->n * sizeof *v);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = pid;
}

static char *proc_path(char *buf, pid_t pid, const char *what)
{
	char num[24];
	return concat(buf, 48, "/proc/", fmt_u(num, (unsigned long)pid), what ? "/" : "", what ? what : "", NULL);
}

/* Whole small file into buf (NUL-terminated); length or -1. */
static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	size_t have = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	while (have < cap - 1 && (n = read(fd, buf + have, cap - 1 - have)) > 0)
		have += (size_t)n;
	close(fd);
	buf[have] = 0;
	return (ssize_t)have;
}

/* The value of "Field:" in /proc/PID/status, copied into out; -1 if absent. */
static int status_field(pid_t pid, const char *field, char *out, size_t cap)
{
	char path[48], buf[4096], *p;
	size_t flen = strlen(field), len;

	if (read_file(proc_path(path, pid, "status"), buf, sizeof buf) < 0)
		return -1;
	for (p = buf; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0)) {
		if (strncmp(p, field, flen))
			continue;
		p += flen;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, "\n");
		if (len >= cap)
			len = cap - 1;
		memcpy(out, p, len);
		out[len] = 0;
		return 0;
	}
	return -1;
}

/* Is PID's name NAME, compared as dpkg compares it with the Name: line of
 * /proc/PID/status, leading white space skipped? That line is comm with
 * '\\' and newline escaped as "\\\\" and "\\n" (fs/proc/array.c,
 * proc_task_name); comm costs the kernel far less than the whole status
 * file (a 2.4x faster --name scan), so escape it here. */
static int comm_is(pid_t pid, const char *name)
{
	char path[48], comm[64], *c;
	ssize_t n = read_file(proc_path(path, pid, "comm"), comm, sizeof comm);

	if (n <= 0)
		return 0;
	comm[n - 1] = 0; /* the newline the kernel appends */
	for (c = comm; *c == ' ' || (*c >= '\t' && *c <= '\r' && *c != '\n'); c++)
		;
	for (; *c; c++) {
		if (*c == '\\' || *c == '\n') {
			if (*name++ != '\\')
				return 0;
			if (*name++ != (*c == '\n' ? 'n' : '\\'))
				return 0;
		} else if (*name++ != *c) {
			return 0;
		}
	}
	return *name == 0;
}

static int pid_is_exec(pid_t pid, const struct stat *want)
{
	static const char deleted[] = " (deleted)";
	char path[48], target[PATH_MAX + 1], *name = target;
	struct stat st;
	ssize_t n = readlink(proc_path(path, pid, "exe"), target, sizeof target - 1);
	size_t dl = sizeof deleted - 1;

	if (n < 0)
		return 0;
	target[n] = 0;
	/* OpenVZ kernels put the marker first (dpkg #731530). */
	if (!strncmp(name, deleted, dl))
		name += dl;
	else if ((size_t)n > dl && !strcmp(name + n - dl, deleted))
		name[n - dl] = 0;
	return stat(name, &st) == 0 && st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

static int pid_is_running(pid_t pid)
{
	char num[24];
	if (kill(pid, 0) == 0 || errno == EPERM)
		return 1;
	if (errno == ESRCH)
		return 0;
	fatal(errno, "error checking pid ", fmt_u(num, (unsigned long)pid), " status", NULL);
}

/* The filters of dpkg's pid_check, without the "alive" test. */
static int pid_matches(const struct ssd *o, pid_t pid)
{
	char path[48], val[64];
	struct stat st;

	if (o->execname && !pid_is_exec(pid, &o->exec_st))
		return 0;
	if (o->match_ppid > 0) {
		long pp;
		if (status_field(pid, "PPid:", val, sizeof val) < 0 ||
		    parse_long(val, 1, INT_MAX, &pp) < 0 || pp != o->match_ppid)
			return 0;
	}
	if (o->userspec && (stat(proc_path(path, pid, NULL), &st) < 0 || st.st_uid != o->user_id))
		return 0;
	if (o->cmdname && !comm_is(pid, o->cmdname))
		return 0;
	return 1;
}

/* Inode of PID's PID namespace; 0 if it cannot be seen. */
static unsigned long pidns_of(pid_t pid)
{
	char path[48];
	struct stat st;
	if (stat(proc_path(path, pid, "ns/pid"), &st) < 0)
		return 0;
	return (unsigned long)st.st_ino;
}

/* Last number of the NSpid line: the PID as seen inside its own namespace;
 * *depth counts the numbers (1: not in a child namespace). */
static pid_t inner_pid(pid_t pid, int *depth)
{
	char val[256], *p = val;
	long v = 0;

	*depth = 0;
	if (status_field(pid, "NSpid:", val, sizeof val) < 0)
		return 0;
	while (*p) {
		char *e = p + strcspn(p, " \t");
		char save = *e;
		*e = 0;
		if (parse_long(p, 1, INT_MAX, &v) < 0)
			return 0;
		(*depth)++;
		*e = save;
		p = e + strspn(e, " \t");
	}
	return (pid_t)v;
}

/* Is PID the reaper of an isolated daemon: PID 1 of its own namespace, owned
 * by root or by us, running "ssd-isolate --start --isolate ..."? If so the
 * pidfile and --make-pidfile it was started with go to rec. */
static int is_reaper(pid_t pid, struct ssd *rec)
{
	char path[48], buf[8192], *argv[256];
	struct stat st;
	ssize_t n;
	int depth, argc = 0;
	size_t i;

	if (inner_pid(pid, &depth) != 1 || depth < 2)
		return 0;
	if (stat(proc_path(path, pid, NULL), &st) < 0 || (st.st_uid != 0 && st.st_uid != getuid()))
		return 0;
	n = read_file(proc_path(path, pid, "cmdline"), buf, sizeof buf);
	if (n <= 0)
		return 0;
	for (i = 0; i < (size_t)n && argc < 255; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	argv[argc] = NULL;
	if (parse(rec, argc, argv, 1) < 0)
		return 0;
	/* parse() points into buf: keep what we need. */
	if (rec->pidfile) {
		size_t l = strlen(rec->pidfile);
		if (l >= sizeof rec->what)
			l = sizeof rec->what - 1;
		memcpy(rec->what, rec->pidfile, l);
		rec->what[l] = 0;
		rec->pidfile = rec->what;
	}
	return 1;
}

enum { ISO_NONE, ISO_NS, ISO_LOCAL, ISO_GONE };

/* The reaper of a daemon that writes its own pidfile also holds a datagram
 * socket bound to an abstract name made from the pidfile's path, in the
 * host's network namespace. --stop/--status look for reapers (a /proc scan)
 * only when that name exists: reading an ordinary pidfile stays as cheap as
 * in dpkg. The scan, not the name, decides: anyone may bind a name. */
static socklen_t claim_addr(const char *pidfile, struct sockaddr_un *su)
{
	static const char hex[] = "0123456789abcdef";
	unsigned long long h = 14695981039346656037ULL; /* FNV-1a */
	int i;

	for (; *pidfile; pidfile++)
		h = (h ^ (unsigned char)*pidfile) * 1099511628211ULL;
	memset(su, 0, sizeof *su);
	su->sun_family = AF_UNIX;
	memcpy(su->sun_path + 1, "ssd-isolate:", 12);
	for (i = 0; i < 16; i++)
		su->sun_path[13 + i] = hex[(h >> (60 - 4 * i)) & 15];
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 29);
}

static int claim_socket(const char *pidfile, int do_bind)
{
	struct sockaddr_un su;
	socklen_t len = claim_addr(pidfile, &su);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if ((do_bind ? bind(fd, (struct sockaddr *)&su, len) : connect(fd, (struct sockaddr *)&su, len)) < 0) {
		close(fd);
		return -1;
	}
	if (!do_bind) {
		close(fd);
		return 0;
	}
	return fd;
}

/* /proc read with getdents64: opendir(3) would need malloc. */
struct procdir {
	int fd;
	long pos, len;
	char buf[4096];
};

static int proc_open(struct procdir *d)
{
	d->pos = d->len = 0;
	d->fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return d->fd;
}

static void proc_rewind(struct procdir *d)
{
	d->pos = d->len = 0;
	lseek(d->fd, 0, SEEK_SET);
}

static int each_pid(struct procdir *d, pid_t *pid)
{
	for (;;) {
		struct dirent *e;
		long v;
		if (d->pos >= d->len) {
			d->len = syscall(SYS_getdents64, d->fd, d->buf, sizeof d->buf);
			d->pos = 0;
			if (d->len <= 0)
				return 0;
		}
		e = (struct dirent *)(d->buf + d->pos);
		d->pos += e->d_reclen;
		if (parse_long(e->d_name, 1, INT_MAX, &v) == 0) {
			*pid = (pid_t)v;
			return 1;
		}
	}
}

/* How the number n read from the pidfile relates to isolated daemons
 * (docs/ssd-isolate.8, ISOLATED DAEMONS):
 * - n is a reaper (written by --make-pidfile): it stands for its namespace;
 * - a live reaper was started with this pidfile and no --make-pidfile: the
 *   daemon wrote n inside the namespace, so n is a namespace-local PID and
 *   is translated through that namespace, never used as a host PID;
 * - otherwise n is a plain host PID, as for dpkg. */
static int iso_resolve(struct ssd *o, pid_t n, pid_t *target)
{
	struct ssd rec;
	unsigned long ns = 0;
	struct procdir d;
	pid_t p;
	int depth;

	o->my_pidns = pidns_of(getpid());
	*target = n;
	if (pidns_of(n) != o->my_pidns) {
		if (is_reaper(n, &rec))
			return ISO_NS;
		/* A dead reaper not yet reaped by init: its namespace is gone. */
		if (inner_pid(n, &depth) == 1 && depth > 1)
			return ISO_GONE;
	}
	if (claim_socket(o->pidfile, 0) < 0 || proc_open(&d) < 0)
		return ISO_NONE;
	while (each_pid(&d, &p)) {
		unsigned long pns = pidns_of(p);
		if (!pns || pns == o->my_pidns || !is_reaper(p, &rec))
			continue;
		if (!rec.mkpid && rec.pidfile && !strcmp(rec.pidfile, o->pidfile)) {
			ns = pns;
			break;
		}
	}
	if (!ns) {
		close(d.fd);
		return ISO_NONE;
	}
	proc_rewind(&d);
	while (each_pid(&d, &p))
		if (pidns_of(p) == ns && inner_pid(p, &depth) == n) {
			*target = p;
			close(d.fd);
			return ISO_LOCAL;
		}
	close(d.fd);
	return ISO_GONE;
}

/* dpkg's pid_check: ST_OK (and pid recorded) or ST_DEAD. */
static int pid_check(struct ssd *o, pid_t pid)
{
	if (!pid_matches(o, pid))
		return ST_DEAD;
	if (o->action != ACT_STOP && !pid_is_running(pid))
		return ST_DEAD;
	pids_push(&o->found, pid);
	return ST_OK;
}

/* A reaper from --make-pidfile matches when any process of its namespace
 * passes the filters; signals then go to the reaper, which relays TERM to
 * the whole namespace. */
static int ns_check(struct ssd *o, pid_t reaper)
{
	unsigned long ns = pidns_of(reaper);
	struct procdir d;
	pid_t p;
	int hit = 0;

	/* ns/pid of an exited (zombie) reaper cannot be read: all gone. */
	if (!ns)
		return ST_DEAD;
	if (o->match & ~M_PIDFILE) {
		if (proc_open(&d) < 0)
			return ST_DEAD;
		while (!hit && each_pid(&d, &p))
			hit = pidns_of(p) == ns && pid_matches(o, p);
		close(d.fd);
		if (!hit)
			return ST_DEAD;
	}
	pids_push(&o->found, reaper);
	return ST_OK;
}

static int do_pidfile(struct ssd *o)
{
	int rc;

	if (!o->pidfile_pid) {
		pid_t pid;
		switch (pidfile_read(o->pidfile, o->match == M_PIDFILE ? PIDFILE_ONLY_MATCHER : 0, &pid)) {
		case PIDFILE_OK: break;
		case PIDFILE_MISSING: return ST_DEAD;
		case PIDFILE_GARBAGE: return ST_UNKNOWN;
		case PIDFILE_WORLD_WRITABLE:
			fatal(0, "matching on world-writable pidfile ", o->pidfile, " is insecure", NULL);
		case PIDFILE_NOT_ROOT:
			fatal(0, "matching only on non-root pidfile ", o->pidfile, " is insecure", NULL);
		default:
			fatal(errno, "unable to open pidfile ", o->pidfile, NULL);
		}
		o->pidfile_pid = pid;
		o->iso_mode = iso_resolve(o, pid, &o->iso_target);
	}
	switch (o->iso_mode) {
	case ISO_GONE: rc = ST_DEAD; break;
	case ISO_NS: rc = ns_check(o, o->iso_target); break;
	default: rc = pid_check(o, o->iso_target); break;
	}
	return rc == ST_DEAD ? ST_DEAD_PIDFILE : rc;
}

static int do_findprocs(struct ssd *o)
{
	int best = ST_DEAD, any = 0;
	struct procdir d;
	pid_t p;

	o->found.n = 0;
	if (o->match_pid > 0)
		return pid_check(o, o->match_pid);
	if (o->pidfile)
		return do_pidfile(o);
	if (proc_open(&d) < 0)
		fatal(errno, "unable to opendir /proc", NULL);
	while (each_pid(&d, &p)) {
		int rc = pid_check(o, p);
		any = 1;
		if (rc < best)
			best = rc;
	}
	close(d.fd);
	if (!any)
		fatal(0, "nothing in /proc - not mounted?", NULL);
	return best;
}

/* ---- --stop ------------------------------------------------------------ */

/* dpkg lists pids newest-found first (a pushed linked list). */
static void info_pids(const struct pids *l)
{
	char num[24];
	size_t i = l->n;
	while (i--)
		put(1, " ", fmt_i(num, l->v[i]), NULL);
}

static void do_stop(struct ssd *o, int sig, int *n_killed, int *n_notkilled)
{
	char a[24], b[24];
	size_t i;

	do_findprocs(o);
	*n_killed = *n_notkilled = 0;
	if (!o->found.n)
		return;
	o->killed.n = 0;
	for (i = o->found.n; i--;) {
		pid_t pid = o->found.v[i];
		if (o->test) {
			if (o->quiet <= 0)
				put(1, "Would send signal ", fmt_i(a, sig), " to ", fmt_i(b, pid), ".\n", NULL);
			(*n_killed)++;
		} else if (kill(pid, sig) == 0) {
			pids_push(&o->killed, pid);
			(*n_killed)++;
		} else {
			if (sig)
				warn(": warning: ", "failed to kill ", fmt_i(a, pid), ": ", strerror(errno), NULL);
			(*n_notkilled)++;
		}
	}
}

static void stop_summary(const struct ssd *o, int retry_nr)
{
	char num[24];
	if (o->quiet >= 0 || !o->killed.n)
		return;
	put(1, "Stopped ", o->what, " (pid", NULL);
	info_pids(&o->killed);
	put(1, ")", NULL);
	if (retry_nr > 0)
		put(1, ", retry #", fmt_i(num, retry_nr), NULL);
	put(1, ".\n", NULL);
}

static void sleep_ns(long long ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* dpkg's do_stop_timeout: poll, waiting a growing multiple (2..10) of what
 * one poll cost, at least 20 ms, never past the deadline. 1 when all gone. */
static int stop_timeout(struct ssd *o, int timeout, int *n_killed, int *n_notkilled)
{
	long long stopat = sys_now_ns() + (long long)timeout * 1000000000LL;
	int ratio = 1;

	for (;;) {
		long long before = sys_now_ns(), after, interval;
		if (before > stopat)
			return 0;
		do_stop(o, 0, n_killed, n_notkilled);
		if (!*n_killed)
			return 1;
		after = sys_now_ns();
		if (after >= stopat)
			return 0;
		if (ratio < 10)
			ratio++;
		interval = (after - before) * ratio;
		if (interval > stopat - after)
			interval = stopat - after;
		if (interval <= 20000000LL)
			interval = 20000000LL;
		sleep_ns(interval);
	}
}

static int finish_stop(struct ssd *o, int anykilled)
{
	if (o->rmpid && !o->test && unlink(o->pidfile) < 0 && errno != ENOENT)
		fatal(errno, "cannot remove pidfile '", o->pidfile, "'", NULL);
	if (anykilled)
		return 0;
	if (o->quiet <= 0)
		put(1, "No ", o->what, " found running; none killed.\n", NULL);
	return o->exitnodo;
}

static int run_stop(struct ssd *o)
{
	char num[24];
	int pos, n_killed = 0, n_notkilled = 0, retry_nr = 0, anykilled = 0;

	if (o->test && o->sched) {
		if (o->quiet <= 0)
			put(1, "Ignoring --retry in test mode\n", NULL);
		o->sched = NULL;
	}
	if (o->cmdname)
		concat(o->what, sizeof o->what, o->cmdname, NULL);
	else if (o->execname)
		concat(o->what, sizeof o->what, o->execpath, NULL);
	else if (o->pidfile)
		concat(o->what, sizeof o->what, "process in pidfile '", o->pidfile, "'", NULL);
	else if (o->match_pid > 0)
		concat(o->what, sizeof o->what, "process with pid ", fmt_i(num, o->match_pid), NULL);
	else if (o->match_ppid > 0)
		concat(o->what, sizeof o->what, "process(es) with parent pid ", fmt_i(num, o->match_ppid), NULL);
	else
		concat(o->what, sizeof o->what, "process(es) owned by '", o->userspec, "'", NULL);
	if (!o->sched) {
		do_stop(o, o->signal, &n_killed, &n_notkilled);
		stop_summary(o, 0);
		if (n_notkilled > 0 && o->quiet <= 0)
			put(1, fmt_i(num, n_notkilled), " pids were not killed\n", NULL);
		return finish_stop(o, n_killed > 0);
	}
	for (pos = 0; pos < o->nsched; pos++) {
		const struct sched_item *it = &o->sched[pos];
		if (it->type == SCHED_GOTO) {
			pos = it->value - 1;
			continue;
		}
		if (it->type == SCHED_SIGNAL) {
			do_stop(o, it->value, &n_killed, &n_notkilled);
			stop_summary(o, retry_nr++);
			if (!n_killed)
				return finish_stop(o, anykilled);
			anykilled = 1;
		} else if (stop_timeout(o, it->value, &n_killed, &n_notkilled)) {
			return finish_stop(o, anykilled);
		}
	}
	if (o->quiet <= 0)
		put(1, "Program ", o->what, ", ", fmt_i(num, n_killed), " process(es), refused to die.\n", NULL);
	return 2;
}

/* ---- --start ------------------------------------------------------------ */

static void write_pidfile(const char *path, pid_t pid)
{
	char num[24];
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		fatal(errno, "unable to open pidfile '", path, "' for writing", NULL);
	fmt_i(num, pid);
	strcat(num, "\n");
	if (write_all(fd, num, strlen(num)) < 0 || close(fd) < 0)
		fatal(errno, "unable to close pidfile '", path, "'", NULL);
}

static void cleanup_notify(struct ssd *o)
{
	char path[PATH_MAX + 8];
	if (!o->notify_dir[0])
		return;
	concat(path, sizeof path, o->notify_dir, "/notify", NULL);
	unlink(path);
	rmdir(o->notify_dir);
	o->notify_dir[0] = 0;
}

static void __attribute__((noreturn)) notify_fatal(struct ssd *o, int err, const char *a, const char *b)
{
	cleanup_notify(o);
	fatal(err, a, b, NULL);
}

/* dpkg 1.19.3 --notify-await: a datagram socket in a private directory,
 * exported as NOTIFY_SOCKET. */
static void create_notify_socket(struct ssd *o)
{
	struct sockaddr_un su;
	const char *base = "/tmp";
	const char *tmpdir = getenv("TMPDIR");
	static const int one = 1;
	int fd;

	if (getuid() == 0 && access("/run", F_OK) == 0)
		base = "/run";
	else if (tmpdir)
		base = tmpdir;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal(errno, "cannot create notification socket", NULL);
	if (strlen(base) > sizeof su.sun_path - 30)
		fatal(ENAMETOOLONG, "cannot create socket directory ", base, NULL);
	concat(o->notify_dir, sizeof o->notify_dir, base, "/.s-s-d-notify.XXXXXX", NULL);
	if (!sys_mkdtemp(o->notify_dir)) {
		int err = errno;
		o->notify_dir[0] = 0;
		fatal(err, "cannot create socket directory ", base, NULL);
	}
	memset(&su, 0, sizeof su);
	su.sun_family = AF_UNIX;
	concat(su.sun_path, sizeof su.sun_path, o->notify_dir, "/notify", NULL);
	if (chown(o->notify_dir, (uid_t)o->runas_uid, (gid_t)o->runas_gid) < 0)
		notify_fatal(o, errno, "cannot change socket directory ownership", NULL);
	if (bind(fd, (struct sockaddr *)&su, sizeof su) < 0)
		notify_fatal(o, errno, "cannot bind to notification socket", NULL);
	if (chmod(su.sun_path, 0660) < 0)
		notify_fatal(o, errno, "cannot change notification socket permissions", NULL);
	if (chown(su.sun_path, (uid_t)o->runas_uid, (gid_t)o->runas_gid) < 0)
		notify_fatal(o, errno, "cannot change notification socket ownership", NULL);
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
	{
		size_t len = strlen(su.sun_path) + 15;
		env_set(concat(xalloc(len), len, "NOTIFY_SOCKET=", su.sun_path, NULL));
	}
	o->notify_fd = fd;
}

/* Wait for READY=1. Unlike dpkg, EXTEND_TIMEOUT_USEC counts microseconds
 * (dpkg divides by 1000 and takes the result as seconds). */
/* 0 on READY=1; 1 when the descriptor also (if >= 0) became readable first. */
static int wait_for_notify(struct ssd *o, int also)
{
	long long deadline = sys_now_ns() + (long long)o->notify_timeout * 1000000000LL;

	for (;;) {
		struct timespec ts;
		fd_set fds;
		char buf[4097], *line, *next;
		long long left = deadline - sys_now_ns();
		ssize_t n;
		int rc;

		if (left < 0)
			left = 0;
		ts.tv_sec = (time_t)(left / 1000000000LL);
		ts.tv_nsec = (long)(left % 1000000000LL);
		FD_ZERO(&fds);
		FD_SET(o->notify_fd, &fds);
		if (also >= 0)
			FD_SET(also, &fds);
		rc = pselect((also > o->notify_fd ? also : o->notify_fd) + 1, &fds, NULL, NULL, &ts, NULL);
		if (rc < 0 && errno != EINTR && errno != EAGAIN)
			notify_fatal(o, errno, "cannot monitor notification socket for activity", NULL);
		if (rc == 0)
			notify_fatal(o, 0, "timed out waiting for a notification", NULL);
		if (rc < 0)
			continue;
		if (also >= 0 && FD_ISSET(also, &fds) && !FD_ISSET(o->notify_fd, &fds))
			return 1;
		while ((n = recv(o->notify_fd, buf, sizeof buf - 1, 0)) >= 0) {
			buf[n] = 0;
			for (line = buf; *line; line = next) {
				next = line + strcspn(line, "\n");
				if (*next)
					*next++ = 0;
				if (!strncmp(line, "EXTEND_TIMEOUT_USEC=", 20)) {
					long usec;
					if (parse_long(line + 20, 0, LONG_MAX / 1000, &usec) < 0)
						notify_fatal(o, 0, "cannot parse extended timeout notification ", line);
					deadline = sys_now_ns() + usec * 1000LL;
				} else if (!strncmp(line, "ERRNO=", 6)) {
					int e;
					if (spec_uint(line + 6, 10, &e))
						notify_fatal(o, 0, "cannot parse errno notification ", line);
					notify_fatal(o, e, "program failed to initialize", NULL);
				} else if (!strcmp(line, "READY=1")) {
					close(o->notify_fd);
					cleanup_notify(o);
					return 0;
				}
			}
		}
		if (errno != EAGAIN && errno != EINTR)
			notify_fatal(o, errno, "cannot receive notification packet", NULL);
	}
}

static void wait_for_child(pid_t pid)
{
	char num[24];
	int st;
	pid_t r;

	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r != pid)
		fatal(0, "error waiting for child", NULL);
	if (WIFEXITED(st) && WEXITSTATUS(st))
		fatal(0, "child returned error exit status ", fmt_i(num, WEXITSTATUS(st)), NULL);
	if (WIFSIGNALED(st))
		fatal(0, "child was killed by signal ", fmt_i(num, WTERMSIG(st)), NULL);
}

static void debug(const struct ssd *o, const char *a, const char *b)
{
	if (o->quiet < 0)
		put(1, a, b, "...\n", NULL);
}

/* The steps of dpkg's do_start between the fork and exec: nice, schedulers,
 * chroot, chdir, ids, descriptors. Also the reaper's child_setup. */
static int prepare_exec(struct ssd *o)
{
	char num[24];
	gid_t rgid = getgid();
	uid_t ruid = getuid();

	if (o->nice) {
		errno = 0;
		if (nice(o->nice) == -1 && errno)
			fatal(errno, "unable to alter nice level by ", fmt_i(num, o->nice), NULL);
	}
	if (o->has_procsched) {
		struct sched_param sp = {.sched_priority = o->procsched.prio};
		/* musl's sched_setscheduler is a stub returning ENOSYS. */
		if (syscall(SYS_sched_setscheduler, getpid(), o->procsched.policy, &sp) < 0)
			fatal(errno, "unable to set process scheduler", NULL);
	}
	if (o->has_iosched) {
		int mask = o->iosched.policy << 13 | o->iosched.prio;
		/* IOPRIO_WHO_PROCESS = 1; failure is only a warning (dpkg #553580). */
		if (syscall(SYS_ioprio_set, 1, getpid(), mask) < 0)
			warn(": warning: ", "unable to alter IO priority to mask ", fmt_i(num, mask),
			     " (", strerror(errno), ")", NULL);
	}
	if (o->changeroot) {
		if (chdir(o->changeroot) < 0)
			fatal(errno, "unable to chdir() to ", o->changeroot, NULL);
		if (chroot(o->changeroot) < 0)
			fatal(errno, "unable to chroot() to ", o->changeroot, NULL);
	}
	if (chdir(o->changedir) < 0)
		fatal(errno, "unable to chdir() to ", o->changedir, NULL);
	if (o->changegroup && rgid != (gid_t)o->runas_gid && sys_setgid((gid_t)o->runas_gid) < 0)
		fatal(errno, "unable to set gid to ", fmt_i(num, o->runas_gid), NULL);
	if (o->changeuser) {
		if (rgid != (gid_t)o->runas_gid || ruid != (uid_t)o->runas_uid) {
			gid_t groups[256];
			int n = db_groups_of(o->changeuser, (gid_t)o->runas_gid, groups, 256);
			if (sys_setgroups((size_t)n, groups) < 0)
				fatal(errno, "unable to set initgroups() with gid ", fmt_i(num, o->runas_gid), NULL);
		}
		if (ruid != (uid_t)o->runas_uid && sys_setuid((uid_t)o->runas_uid) < 0)
			fatal(errno, "unable to set uid to ", o->changeuser, NULL);
	}
	if (o->background) {
		if (o->output_fd >= 0 && (dup2(o->output_fd, 1) < 0 || dup2(o->output_fd, 2) < 0))
			fatal(errno, "unable to redirect output", NULL);
		if (o->close_io) {
			if (dup2(o->devnull_fd, 0) < 0 || (o->output_fd < 0 &&
			    (dup2(o->devnull_fd, 1) < 0 || dup2(o->devnull_fd, 2) < 0)))
				fatal(errno, "unable to redirect to /dev/null", NULL);
			if (syscall(SYS_close_range, 3U, ~0U, 0) < 0) { /* Linux < 5.9 */
				int fd;
				for (fd = 3; fd < 4096; fd++)
					close(fd);
			}
		}
	}
	return 0;
}

static void open_daemon_fds(struct ssd *o)
{
	if (o->background && o->close_io) {
		o->devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (o->devnull_fd < 0)
			fatal(errno, "unable to open '/dev/null'", NULL);
	}
	if (o->background && o->output) {
		o->output_fd = open(o->output, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0664);
		if (o->output_fd < 0)
			fatal(errno, "unable to open '", o->output, "'", NULL);
	}
}

static int isolated_start(struct ssd *o);

/* dpkg's daemonize: fork; the parent waits for the middle child (which writes
 * the pidfile) and for readiness; setsid; fork again. With --isolate the
 * second fork is ns_spawn and the pidfile gets the reaper's host pid. */
static void daemonize(struct ssd *o)
{
	sigset_t chld, old;
	pid_t pid;

	debug(o, "Detaching to start ", o->startas);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, &old) < 0)
		fatal(errno, "cannot block SIGCHLD", NULL);
	if (o->notify_await)
		create_notify_socket(o);
	pid = sys_fork();
	if (pid < 0)
		fatal(errno, "unable to do first fork", NULL);
	if (pid) {
		wait_for_child(pid);
		if (o->notify_await)
			wait_for_notify(o, -1);
		_exit(0);
	}
	if (o->notify_fd >= 0)
		close(o->notify_fd);
	o->notify_dir[0] = 0; /* the first parent removes it */
	if (setsid() < 0)
		fatal(errno, "cannot set session ID", NULL);
	if (o->isolate) {
		if (sigprocmask(SIG_SETMASK, &old, NULL) < 0)
			fatal(errno, "cannot restore signal mask", NULL);
		_exit(isolated_start(o));
	}
	pid = sys_fork();
	if (pid < 0)
		fatal(errno, "unable to do second fork", NULL);
	if (pid) {
		/* A defined umask for the pidfile (dpkg #760222). */
		umask(022);
		if (o->mkpid)
			write_pidfile(o->pidfile, pid);
		_exit(0);
	}
	if (sigprocmask(SIG_SETMASK, &old, NULL) < 0)
		fatal(errno, "cannot restore signal mask", NULL);
	debug(o, "Detaching complete", "");
}

static int do_start(struct ssd *o)
{
	char num[24];
	int i;

	do_findprocs(o);
	if (o->found.n) {
		if (o->quiet <= 0)
			put(1, o->execname ? o->execpath : "process", " already running.\n", NULL);
		return o->exitnodo;
	}
	if (o->test && o->quiet <= 0) {
		put(1, "Would start ", o->startas, " ", NULL);
		for (i = 0; i < o->nargs; i++)
			put(1, o->args[i], " ", NULL);
		if (o->changeuser) {
			put(1, " (as user ", o->changeuser, "[", fmt_i(num, o->runas_uid), "]", NULL);
			if (o->changegroup)
				put(1, ", and group ", o->changegroup, "[", fmt_i(num, o->runas_gid), "])", NULL);
			else
				put(1, ")", NULL);
		}
		if (o->changeroot)
			put(1, " in directory ", o->changeroot, NULL);
		if (o->nice)
			put(1, ", and add ", fmt_i(num, o->nice), " to the priority", NULL);
		if (o->has_procsched)
			put(1, ", with scheduling policy ", o->procsched.name, " with priority ",
			    fmt_i(num, o->procsched.prio), NULL);
		if (o->has_iosched)
			put(1, ", with IO scheduling class ", o->iosched.name, " with priority ",
			    fmt_i(num, o->iosched.prio), NULL);
		put(1, ".\n", NULL);
	}
	if (o->test)
		return 0;
	debug(o, "Starting ", o->startas);
	if (o->umask >= 0)
		umask((mode_t)o->umask);
	if (o->background)
		daemonize(o);
	else if (o->isolate)
		return isolated_start(o);
	else if (o->mkpid)
		write_pidfile(o->pidfile, getpid());
	open_daemon_fds(o);
	prepare_exec(o);
	o->args[-1] = (char *)o->startas;
	execv(o->startas, o->args - 1);
	fatal(errno, "unable to start ", o->startas, NULL);
}

/* ---- --isolate ----------------------------------------------------------- */

/* The caller's stdin/stdout/stderr go to the daemon through a socket that
 * the daemon's process reads after the reaper forked it: a reaper holding
 * them would keep a pipe like `ssd-isolate ... | cat` open for the daemon's
 * whole life, and the reaper API has no "close in the parent after fork". */
static int send_stdio(int sock)
{
	int fds[3] = {0, 1, 2};
	char cbuf[CMSG_SPACE(sizeof fds)], byte = 0;
	struct iovec iov = {&byte, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
	                    .msg_controllen = sizeof cbuf};
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof cbuf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(c), fds, sizeof fds);
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int recv_stdio(int sock, int fds[3])
{
	char cbuf[CMSG_SPACE(3 * sizeof(int))], byte;
	struct iovec iov = {&byte, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
	                    .msg_controllen = sizeof cbuf};
	struct cmsghdr *c;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(3 * sizeof(int)))
		return -1;
	memcpy(fds, CMSG_DATA(c), 3 * sizeof(int));
	return 0;
}

struct daemon_arg {
	struct ssd *o;
	int stdio[3]; /* -1: keep */
};

static int daemon_setup(void *p)
{
	struct daemon_arg *a = p;
	int i;

	if (a->o->stdio_sock >= 0 && recv_stdio(a->o->stdio_sock, a->stdio) < 0)
		fatal(0, "cannot receive the standard descriptors", NULL);
	for (i = 0; i < 3; i++)
		if (a->stdio[i] >= 0 && dup2(a->stdio[i], i) < 0)
			return -1;
	/* Opened here, still as the caller and before chroot (as dpkg), so
	 * that the reaper never holds the output file. */
	open_daemon_fds(a->o);
	return prepare_exec(a->o);
}

/* PID 1 of the new namespaces: mounts, then the core reaper runs the daemon
 * and stays until the namespace is empty. Never returns. */
static void __attribute__((noreturn)) reaper_main(struct ssd *o, int report_fd, const sigset_t *mask)
{
	struct ns_config cfg = {o->ns_flags, NS_PRIVATE_ROOT | NS_MOUNT_PROC, NULL};
	struct daemon_arg arg = {o, {-1, -1, -1}};
	struct reaper r;
	const char *step;
	int i, nul, code;

	if (o->ns_flags & CLONE_NEWIPC)
		cfg.setup |= NS_MOUNT_IPC;
	if (o->ns_flags & CLONE_NEWNET)
		cfg.setup |= NS_LO_UP;
	if (ns_setup(&cfg, &step) < 0) {
		put(2, prog, ": ", step, " (", strerror(errno), ")\n", NULL);
		_exit(2);
	}
	if (o->notify_fd >= 0)
		close(o->notify_fd);
	/* The reaper itself holds nothing of the caller's. */
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (i = 0; i < 3 && nul >= 0; i++)
		if (o->background && !o->close_io)
			arg.stdio[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
	for (i = 0; i < 3 && nul >= 0; i++)
		dup2(nul, i);
	o->args[-1] = (char *)o->startas;
	memset(&r, 0, sizeof r);
	r.argv = o->args - 1;
	r.child_mask = mask;
	r.notify_fd = report_fd;
	r.grace_ms = 0xffffffffu; /* the --retry schedule of --stop decides on KILL */
	r.who = prog;
	r.child_setup = daemon_setup;
	r.child_arg = &arg;
	code = reaper_run(&r);
	/* A pidfile the daemon wrote inside holds a namespace PID: once the
	 * namespace is empty it could only ever name an unrelated host process. */
	if (o->pidfile && !o->mkpid)
		unlink(o->pidfile);
	_exit(code);
}

static int isolated_start(struct ssd *o)
{
	struct ns_config cfg = {o->ns_flags, 0, NULL};
	int report[2] = {-1, -1}, sp[2] = {-1, -1};
	char buf[64], num[24];
	const char *step;
	sigset_t old;
	size_t have = 0;
	ssize_t n;
	pid_t r;

	if (!o->background) {
		if (o->notify_await)
			create_notify_socket(o);
		if (pipe2(report, O_CLOEXEC) < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
			fatal(errno, "cannot create a pipe", NULL);
		o->stdio_sock = sp[1];
	}
	/* Kept open by the reaper for its whole life (close-on-exec: the daemon
	 * does not get it); a failure only makes --stop -p slower to be right. */
	if (o->pidfile && !o->mkpid)
		claim_socket(o->pidfile, 1);
	if (reaper_block_signals(&old) < 0)
		fatal(errno, "cannot block signals", NULL);
	r = ns_spawn(&cfg, &step);
	if (r < 0)
		notify_fatal(o, errno, step, NULL);
	if (r == 0) {
		if (report[0] >= 0)
			close(report[0]);
		if (sp[0] >= 0)
			close(sp[0]);
		reaper_main(o, report[1], &old);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (o->background) {
		umask(022);
		if (o->mkpid)
			write_pidfile(o->pidfile, r);
		return 0;
	}
	close(report[1]);
	close(sp[1]);
	if (o->mkpid)
		write_pidfile(o->pidfile, r);
	if (send_stdio(sp[0]) < 0)
		notify_fatal(o, errno, "cannot pass the standard descriptors", NULL);
	close(sp[0]);
	/* The reaper says how the process we exec'd ended: a classic daemon has
	 * forked and exited 0 by then; anything else is a failed start. With
	 * --notify-await, READY=1 from a daemon that does not fork is enough. */
	if (o->notify_await && wait_for_notify(o, report[0]) == 0)
		return 0;
	while (have < sizeof buf - 1 && (n = read(report[0], buf + have, sizeof buf - 1 - have)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal(errno, "cannot read from the reaper", NULL);
		}
		have += (size_t)n;
		if (memchr(buf, '\n', have))
			break;
	}
	buf[have] = 0;
	if (!strcmp(buf, "exit 0\n")) {
		if (o->notify_await)
			wait_for_notify(o, -1);
		return 0;
	}
	cleanup_notify(o);
	if (!have) {
		int st;
		if (waitpid(r, &st, 0) == r)
			fatal(0, "namespace reaper failed, exit status ", fmt_i(num, exit_code_of(st)), NULL);
		fatal(0, "namespace reaper failed", NULL);
	}
	buf[strcspn(buf, "\n")] = 0;
	if (!strncmp(buf, "signal ", 7))
		fatal(0, o->startas, " was killed by signal ", buf + 7, NULL);
	fatal(0, o->startas, " exited with status ", buf + 5, NULL);
}

int ssd_isolate_main(int argc, char **argv)
{
	struct ssd o;
	int rc;

	if (argc > 0 && argv[0]) {
		const char *s = strrchr(argv[0], '/');
		prog = s ? s + 1 : argv[0];
	}
	parse(&o, argc, argv, 0);
	setup(&o);
	switch (o.action) {
	case ACT_START:
		/* room for argv[0] in front of the arguments */
		memmove(o.args + 1, o.args, (size_t)o.nargs * sizeof *o.args);
		o.args++;
		o.args[o.nargs] = NULL;
		return do_start(&o);
	case ACT_STOP:
		return run_stop(&o);
	default:
		rc = do_findprocs(&o);
		if (o.action == ACT_PIDOF) {
			char num[24];
			size_t i = o.found.n;
			while (i--)
				put(1, fmt_i(num, o.found.v[i]), "\n", NULL);
		}
		return rc;
	}
}
