/* The isobox front end: dispatch on the name we were called by (busybox
 * appletlib.c style), --list, --install, --help, --version, and the setuid rule:
 * every applet but those flagged APPLET_PRIV runs with the real ids only. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h> /* renameat only: no stdio on the release path */
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets.h"
#include "err.h"
#include "sys.h"

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	unsigned flags;
};

static const struct applet applets[] = {
#define APPLET(name, id, flags) {name, id##_main, flags},
#include "applets.def"
#undef APPLET
};
#define N_APPLETS (sizeof applets / sizeof applets[0])

static const char usage[] =
	"Usage: isobox APPLET [ARGS...]\n"
	"   or: APPLET [ARGS...]   (through a link named after the applet)\n"
	"   or: isobox --list | --install [-s] DIR | --help [APPLET] | --version\n"
	"\n"
	"One static binary that isolates processes with Linux namespaces.\n"
	"\n"
	"  --list            print the applet names, one per line\n"
	"  --install [-s] DIR  make a hard link (symbolic with -s, relative) in DIR\n"
	"                    for every applet; an existing file is replaced only if\n"
	"                    it already is a link to this binary\n"
	"  --help [APPLET]   this text, or the applet's\n"
	"  --version         print the version\n"
	"\n"
	"Exit status of the exec-wrapping applets: COMMAND's own; 128+N if it died\n"
	"of signal N; 126 COMMAND cannot be executed; 127 not found (also: unknown\n"
	"applet); 125 the applet's own failure. ssd-isolate keeps start-stop-daemon's.\n";

int applet_usage(const char *text)
{
	return put(1, text, NULL) < 0 ? EXIT_OWN : 0;
}

int applet_version(const char *name)
{
	return put(1, name, " (isobox) ", ISOBOX_VERSION, "\n", NULL) < 0 ? EXIT_OWN : 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static const struct applet *find_applet(const char *name)
{
	size_t i;
	for (i = 0; i < N_APPLETS; i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

/* A setuid or setgid isobox keeps privilege only for an APPLET_PRIV applet:
 * everything else gets the real ids back, all three of each, checked. */
int applet_drop_privilege(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -1;
	if (ru == eu && ru == su && rg == eg && rg == sg)
		return 0;
	if (sys_setresgid(rg, rg, rg) < 0 || sys_setresuid(ru, ru, ru) < 0)
		return -1;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -1;
	if (ru != eu || ru != su || rg != eg || rg != sg) {
		errno = EPERM;
		return -1;
	}
	/* The setuid exec left us undumpable, which makes the files of /proc/self root's:
	 * an applet could not write its own uid_map. With only the real ids
	 * left and nothing opened yet there is nothing to protect. */
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	if (!(a->flags & APPLET_PRIV) && applet_drop_privilege() < 0) {
		msg_sys(errno, a->name, "cannot drop setuid privilege", NULL);
		return EXIT_OWN;
	}
	return a->main(argc, argv);
}

/* "../bin/isobox" for dir=/usr/sbin, target=/usr/bin/isobox: both absolute
 * and free of "." and ".." (the kernel's names for them, see fd_path). */
static int relative_path(const char *dir, const char *target, char *out, size_t cap)
{
	size_t keep = 0, i, used = 0;
	const char *rest;

	/* Longest common leading run of whole components. */
	for (i = 0; dir[i] && dir[i] == target[i]; i++)
		if (dir[i] == '/')
			keep = i;
	if (!dir[i] && target[i] == '/')
		keep = i;
	rest = target + keep + 1;
	for (i = keep; dir[i]; i++) {
		if (dir[i] != '/' || !dir[i + 1])
			continue;
		if (used + 3 >= cap)
			return -1;
		memcpy(out + used, "../", 3);
		used += 3;
	}
	if (used + strlen(rest) + 1 > cap)
		return -1;
	memcpy(out + used, rest, strlen(rest) + 1);
	return 0;
}

/* The canonical path of what fd refers to, as the kernel names it: the same
 * answer as realpath(3) for the path it was opened by, without its cost. */
static int fd_path(int fd, char *out, size_t cap)
{
	char link[40], num[24];
	ssize_t n;

	memcpy(link, "/proc/self/fd/", sizeof "/proc/self/fd/");
	strcat(link, fmt_u(num, (unsigned long)fd));
	n = readlink(link, out, cap - 1);
	if (n < 0)
		return -1;
	out[n] = 0;
	return 0;
}

/* The entry NAME in DIRFD may be replaced only if it is this binary (hard link)
 * or a symbolic link that resolves to it. */
static int may_replace(int dirfd, const char *name, const struct stat *self)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 1 : -1;
	if (S_ISLNK(st.st_mode) && fstatat(dirfd, name, &st, 0) < 0)
		return 0;
	return st.st_dev == self->st_dev && st.st_ino == self->st_ino;
}

static int already_installed(int dirfd, const char *name, int symbolic,
                             const char *target, const struct stat *self)
{
	char buf[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!symbolic)
		return !S_ISLNK(st.st_mode) && st.st_dev == self->st_dev && st.st_ino == self->st_ino;
	n = readlinkat(dirfd, name, buf, sizeof buf - 1);
	if (n < 0)
		return 0;
	buf[n] = 0;
	return !strcmp(buf, target);
}

static int install_links(int symbolic, const char *dir)
{
	char self[PATH_MAX], realdir[PATH_MAX], target[PATH_MAX], tmp[NAME_MAX + 1];
	struct stat self_st, st;
	const char *who = "isobox";
	ssize_t n;
	size_t i;
	int dirfd;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0) {
		msg_sys(errno, who, "cannot find own binary (is /proc mounted?)", NULL);
		return EXIT_OWN;
	}
	self[n] = 0;
	if (stat(self, &self_st) < 0) {
		msg_sys(errno, who, "cannot stat ", self, NULL);
		return EXIT_OWN;
	}
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || fd_path(dirfd, realdir, sizeof realdir) < 0) {
		msg_sys(errno, who, "cannot use ", dir, NULL);
		return EXIT_OWN;
	}
	if (relative_path(realdir, self, target, sizeof target) < 0) {
		msg(who, "path too long: ", dir, NULL);
		close(dirfd);
		return EXIT_OWN;
	}
	/* Check every name before touching any: nothing half-installed. */
	for (i = 0; i < N_APPLETS; i++) {
		int ok = may_replace(dirfd, applets[i].name, &self_st);
		if (ok < 0) {
			msg_sys(errno, who, "cannot check ", dir, "/", applets[i].name, NULL);
			close(dirfd);
			return EXIT_OWN;
		}
		if (!ok) {
			msg(who, "refusing to replace ", dir, "/", applets[i].name,
			    ": not a link to isobox", NULL);
			close(dirfd);
			return EXIT_OWN;
		}
		if (symbolic && fstatat(dirfd, applets[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISLNK(st.st_mode) && !strcmp(target, applets[i].name)) {
			msg(who, "refusing to replace ", dir, "/", applets[i].name,
			    ": it is the isobox binary itself", NULL);
			close(dirfd);
			return EXIT_OWN;
		}
	}
	for (i = 0; i < N_APPLETS; i++) {
		const char *name = applets[i].name;
		size_t len = strlen(name);
		int rc;

		if (already_installed(dirfd, name, symbolic, target, &self_st))
			continue;
		/* Build it beside, then rename over: the name is never missing. */
		memcpy(tmp, ".", 1);
		memcpy(tmp + 1, name, len);
		memcpy(tmp + 1 + len, ".isobox-new", sizeof ".isobox-new");
		unlinkat(dirfd, tmp, 0);
		rc = symbolic ? symlinkat(target, dirfd, tmp)
		              : linkat(AT_FDCWD, self, dirfd, tmp, 0);
		if (rc < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
			msg_sys(errno, who, "cannot install ", dir, "/", name, NULL);
			unlinkat(dirfd, tmp, 0);
			close(dirfd);
			return EXIT_OWN;
		}
	}
	close(dirfd);
	return 0;
}

static int isobox_main(int argc, char **argv)
{
	const struct applet *a = argc > 1 ? find_applet(base_name(argv[1])) : NULL;
	const char *who = "isobox";
	size_t i;

	if (a)
		return run_applet(a, argc - 1, argv + 1);
	if (applet_drop_privilege() < 0) {
		msg_sys(errno, who, "cannot drop setuid privilege", NULL);
		return EXIT_OWN;
	}
	if (argc < 2) {
		put(2, usage, NULL);
		return EXIT_OWN;
	}
	if (!strcmp(argv[1], "--list") && argc == 2) {
		for (i = 0; i < N_APPLETS; i++)
			if (put(1, applets[i].name, "\n", NULL) < 0)
				return EXIT_OWN;
		return 0;
	}
	if (!strcmp(argv[1], "--help")) {
		if (argc == 2)
			return applet_usage(usage);
		a = find_applet(argv[2]);
		if (!a || argc > 3) {
			msg(who, "unknown applet '", argv[2], "'", NULL);
			return EXIT_NOTFOUND;
		}
		char *help_argv[] = {(char *)a->name, "--help", NULL};
		return a->main(2, help_argv);
	}
	if (!strcmp(argv[1], "--version") && argc == 2)
		return applet_version("isobox");
	if (!strcmp(argv[1], "--install")) {
		int symbolic = argc == 4 && !strcmp(argv[2], "-s");
		if (argc != 3 + symbolic || argv[2 + symbolic][0] == '-') {
			msg(who, "usage: isobox --install [-s] DIR", NULL);
			return EXIT_OWN;
		}
		return install_links(symbolic, argv[2 + symbolic]);
	}
	if (argv[1][0] == '-') {
		msg(who, "unknown option '", argv[1], "' (see isobox --help)", NULL);
		return EXIT_OWN;
	}
	msg(who, "unknown applet '", argv[1], "'", NULL);
	return EXIT_NOTFOUND;
}

int main(int argc, char **argv)
{
	const char *name = (argc > 0 && argv[0]) ? base_name(argv[0]) : "isobox";
	const struct applet *a;

	if (name[0] == '-') /* login shells are called "-name" */
		name++;
	if (!strncmp(name, "isobox", 6))
		return isobox_main(argc, argv);
	a = find_applet(name);
	if (a)
		return run_applet(a, argc, argv);
	if (applet_drop_privilege() == 0)
		msg("isobox", "unknown applet '", name, "'", NULL);
	return EXIT_NOTFOUND;
}
