/* Read-only views through the new mount API. The design and the bugs it
 * avoids are in shared/reference/sandbox.md §1.4 and §3.3-3.7:
 * - the original encapsulate remounted by path from /proc/mounts: flags
 *   stripped, over-mounted mounts left rw, a space in a mount point fatal;
 * - bubblewrap uses MS_SLAVE, so host mounts made later appear writable;
 * - both used a directory in /tmp that leaks or can be pre-created
 *   (bubblewrap CVE-2019-12439).
 * Here the tree is cloned detached, made read-only with one recursive
 * mount_setattr before anyone can see it, and attached over "/" inside the
 * private namespace; every later mount goes to a descriptor found with
 * RESOLVE_IN_ROOT, so no symlink can send it outside the new root. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "mount.h"
#include "ns.h"

/* musl 1.2.3 has the syscall numbers but none of these (COMMON rules). */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x04
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x40
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x01
#define MOUNT_ATTR_NOSUID 0x02
#define MOUNT_ATTR_NODEV 0x04
#define MOUNT_ATTR_NOEXEC 0x08
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 1
#define FSMOUNT_CLOEXEC 1
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#endif
#define RESOLVE_NO_MAGICLINKS_ 0x02
#define RESOLVE_NO_SYMLINKS_ 0x04
#define RESOLVE_IN_ROOT_ 0x10

struct mount_attr_k {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

struct open_how_k {
	uint64_t flags, mode, resolve;
};

static int open_tree_(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags | O_CLOEXEC);
}

static int move_mount_(int from, const char *from_path, int to, const char *to_path, unsigned flags)
{
	return (int)syscall(SYS_move_mount, from, from_path, to, to_path, flags);
}

static int setattr_(int fd, unsigned at_flags, uint64_t set)
{
	/* Private as well: a clone of a shared mount joins its peer group, and
	 * host mounts would then propagate in (bubblewrap's MS_SLAVE flaw). */
	struct mount_attr_k a = {set, 0, MS_PRIVATE, 0};
	return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | at_flags, &a, sizeof a);
}

/* PATH inside the tree DIR: absolute symlinks and ".." stay in it
 * (RESOLVE_IN_ROOT), /proc magic links are refused. */
static int open_in(int dir, const char *path, int oflags, uint64_t resolve)
{
	struct open_how_k how = {(uint64_t)(O_PATH | O_CLOEXEC | oflags), 0,
	                         RESOLVE_IN_ROOT_ | RESOLVE_NO_MAGICLINKS_ | resolve};
	return (int)syscall(SYS_openat2, dir, path, &how, sizeof how);
}

static void close_keep_errno(int fd)
{
	int e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
}

static int fail(struct mnt_fail *f, const char *step, const char *path)
{
	f->step = step;
	f->path = path;
	return -1;
}

/* PATH points into a buffer about to be unmapped: the message needs a copy,
 * kept in F (a static buffer would add a page to every applet's memory). */
static int fail_copy(struct mnt_fail *f, const char *step, const char *path)
{
	size_t n = strlen(path);
	if (n >= sizeof f->copy)
		n = sizeof f->copy - 1;
	memcpy(f->copy, path, n);
	f->copy[n] = 0;
	return fail(f, step, f->copy);
}

/* Decimal digits at p (mountinfo and fdinfo fields); no libc strtol, whose
 * scanner costs more than this whole function. */
static long number_at(const char *p)
{
	long v = 0;
	while (*p >= '0' && *p <= '9' && v < (1L << 58))
		v = v * 10 + (*p++ - '0');
	return v;
}

static void trace(const struct mnt_view *v, const char *step, const char *path)
{
	if (v->trace)
		v->trace(step, path);
}

/* Is the mount holding FD shared (does what is mounted on it propagate to
 * peers)? statmount (Linux 6.8) answers for a mount outside our root, where
 * mountinfo stays silent; without it: ENOSYS, and the caller refuses. */
static int is_shared(int fd)
{
	unsigned char stx[256], sm[512];
	uint64_t req[3], id, prop;
	uint32_t mask;

	memset(stx, 0, sizeof stx);
	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, 0x4000u /* STATX_MNT_ID_UNIQUE */, stx) < 0)
		return -1;
	memcpy(&mask, stx, sizeof mask);
	if (!(mask & 0x4000u)) { /* no STATX_MNT_ID_UNIQUE: before Linux 6.8 */
		errno = ENOSYS;
		return -1;
	}
	memcpy(&id, stx + 144, sizeof id);
	req[0] = 24; /* struct mnt_id_req v0: size, spare, mnt_id, param */
	req[1] = id;
	req[2] = 2; /* STATMOUNT_MNT_BASIC */
	if (syscall(457 /* statmount */, req, sm, sizeof sm, 0) < 0)
		return -1;
	memcpy(&prop, sm + 72, sizeof prop); /* mnt_propagation */
	return (prop & MS_SHARED) != 0;
}

int mnt_make_private_root(void)
{
	int fd, shared;

	if (ns_make_private() == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	/* "/" is not a mount point (a chroot into a plain directory). Only the
	 * mount holding it could carry what we mount over "/" to the host:
	 * go on only if it provably does not (fail closed). */
	fd = open("/", O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -1;
	shared = is_shared(fd);
	close_keep_errno(fd);
	if (shared < 0)
		return -1;
	if (shared) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int mnt_open_entry(const char *path)
{
	if (path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	return open(path, O_PATH | O_CLOEXEC);
}

size_t mnt_list_count(const char *list)
{
	size_t n = *list != 0;
	for (; *list; list++)
		n += *list == '|';
	return n;
}

int mnt_list_split(char *copy, const char **entries, size_t n, const char **bad)
{
	const char *relative = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		entries[i] = copy;
		while (*copy && *copy != '|')
			copy++;
		if (copy == entries[i]) { /* an empty element outweighs a relative one */
			relative = NULL;
			break;
		}
		*copy++ = 0; /* the '|', or the end of the last entry */
		if (*entries[i] != '/' && !relative)
			relative = entries[i];
	}
	*bad = relative;
	if (i == n && !relative)
		return 0;
	errno = EINVAL;
	return -1;
}

/* --- fallback for kernels without mount_setattr (before 5.12) ----------- */

/* The mount id of an open file: statx STATX_MNT_ID (Linux 5.8, needs no
 * /proc, which an initramfs may not have mounted yet), else
 * /proc/self/fdinfo (Linux 3.15). */
static int mount_id_of(int fd, long *id)
{
	char path[48], num[24], buf[512], *p;
	unsigned char stx[256];
	uint32_t mask;
	uint64_t mnt;
	ssize_t n;
	int info;

	memset(stx, 0, sizeof stx);
	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, 0x1000u /* STATX_MNT_ID */, stx) == 0) {
		memcpy(&mask, stx, sizeof mask);
		if (mask & 0x1000u) {
			memcpy(&mnt, stx + 144, sizeof mnt); /* stx_mnt_id */
			*id = (long)mnt;
			return 0;
		}
	}

	strcpy(path, "/proc/self/fdinfo/");
	strcat(path, fmt_u(num, (unsigned long)fd));
	info = open(path, O_RDONLY | O_CLOEXEC);
	if (info < 0)
		return -1;
	n = read(info, buf, sizeof buf - 1);
	close_keep_errno(info);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (p = buf; strncmp(p, "mnt_id:", 7); p++) {
		p = strchr(p, '\n');
		if (!p) {
			errno = ENOSYS;
			return -1;
		}
	}
	p += 7;
	while (*p == ' ' || *p == '\t')
		p++;
	*id = number_at(p);
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = 0;
}

/* The whole of a /proc file in an anonymous mapping (*cap bytes, to be
 * munmap'ed): no malloc, whose allocator would be the biggest thing in the
 * binary. */
static char *read_all(const char *path, size_t *cap)
{
	size_t used = 0;
	char *buf, *bigger;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*cap = 65536;
	/* cppcheck-suppress invalidFunctionArg ; fd -1 is what MAP_ANONYMOUS asks for */
	buf = mmap(NULL, *cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || fd < 0)
		goto bad;
	while ((n = read(fd, buf + used, *cap - used - 1)) > 0) {
		used += (size_t)n;
		if (*cap - used < 2) {
			bigger = mremap(buf, *cap, *cap * 2, MREMAP_MAYMOVE);
			if (bigger == MAP_FAILED)
				goto bad;
			buf = bigger;
			*cap *= 2;
		}
	}
	if (n < 0)
		goto bad;
	buf[used] = 0;
	close(fd);
	return buf;
bad:
	close_keep_errno(fd);
	if (buf != MAP_FAILED)
		munmap(buf, *cap);
	return NULL;
}

static unsigned long kept_flags(int fd)
{
	struct statvfs s;
	unsigned long f = MS_NOSUID | MS_NODEV;
	if (fstatvfs(fd, &s) < 0)
		return (unsigned long)-1;
	if (s.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (s.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (s.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (s.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

/* Remount one mount of the attached tree read-only through its descriptor,
 * OR-ing in the flags it has (bubblewrap bind-mount.c): a bare
 * MS_REMOUNT|MS_RDONLY would strip nosuid/nodev/noexec. A device node gets
 * noexec instead of nodev: it must stay a device. */
static int remount_ro_as(int fd, int device)
{
	char path[48], num[24];
	unsigned long keep = kept_flags(fd);

	if (keep == (unsigned long)-1)
		return -1;
	if (device)
		keep = (keep & ~(unsigned long)MS_NODEV) | MS_NOEXEC;
	strcpy(path, "/proc/self/fd/");
	strcat(path, fmt_u(num, (unsigned long)fd));
	return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL);
}

static int remount_ro(int fd)
{
	return remount_ro_as(fd, 0);
}

size_t mnt_parse_mountinfo(char *text, long *ids, long *parents, char **points, size_t max)
{
	char *line = text, *next;
	size_t n;

	for (n = 0; *line && n < max; n++, line = next) {
		int k;
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = 0;
		ids[n] = number_at(line);
		for (k = 0; k < 5; k++) { /* cut 5 fields, the last one the mount point */
			if (k == 1)
				parents[n] = number_at(line);
			points[n] = line;
			line += strcspn(line, " ");
			if (*line)
				*line++ = 0;
		}
		unescape(points[n]);
	}
	return n;
}

void mnt_tree_members(const long *ids, const long *parents, size_t n, long root, unsigned char *in)
{
	size_t i, j;
	int grew;

	do { /* ROOT, and mounts whose parent is in the tree, to a fixed point */
		grew = 0;
		for (i = 0; i < n; i++)
			for (j = 0; j < n && !in[i]; j++)
				if (ids[i] == root || (in[j] && ids[j] == parents[i]))
					in[i] = grew = 1;
	} while (grew);
}

/* Every mount of the tree attached over "/" (those descending from its root
 * mount), each reached by its mount point inside the tree and checked to be
 * that very mount: one hidden under another mount cannot be reached by
 * path, and is refused (fail closed) instead of being left writable. */
static int ro_walk(int tree, struct mnt_fail *f)
{
	size_t text_cap = 0, table_size = 0, n, lines = 1, i;
	char *text = read_all("/proc/self/mountinfo", &text_cap), *line;
	long root, *ids, *parents;
	char **points;
	unsigned char *in, *table = MAP_FAILED;
	int rc = -1;

	if (!text)
		return fail(f, "cannot read /proc/self/mountinfo", NULL);
	for (line = text; *line; line++)
		lines += *line == '\n';
	/* One mapping for the four per-mount arrays, largest alignment first. */
	table_size = lines * (2 * sizeof(long) + sizeof(char *) + 1);
	/* cppcheck-suppress invalidFunctionArg ; fd -1 is what MAP_ANONYMOUS asks for */
	table = mmap(NULL, table_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (table == MAP_FAILED) {
		fail(f, "out of memory", NULL);
		goto out;
	}
	ids = (long *)(void *)table;
	parents = ids + lines;
	points = (char **)(void *)(parents + lines);
	in = (unsigned char *)(points + lines); /* zero-filled by mmap */
	if (mount_id_of(tree, &root) < 0) {
		fail(f, "cannot find the mount id of the new tree", NULL);
		goto out;
	}
	n = mnt_parse_mountinfo(text, ids, parents, points, lines);
	mnt_tree_members(ids, parents, n, root, in);
	for (i = 0; i < n; i++) {
		long id = -1;
		int fd;
		if (!in[i])
			continue;
		fd = ids[i] == root ? fcntl(tree, F_DUPFD_CLOEXEC, 0)
		                    : open_in(tree, points[i], O_NOFOLLOW, RESOLVE_NO_SYMLINKS_);
		if (fd < 0) { /* gone from sight: the path leads into what covers it */
			fail_copy(f, errno == ENOENT || errno == ENOTDIR
			                 ? "cannot make read-only (covered by another mount; needs Linux 5.12)"
			                 : "cannot reach mount point",
			          points[i]);
			goto out;
		}
		if (mount_id_of(fd, &id) < 0 || id != ids[i]) {
			if (id != -1) /* found, but another mount covers the point */
				errno = EBUSY;
			close_keep_errno(fd);
			fail_copy(f, "cannot make read-only (covered by another mount; needs Linux 5.12)",
			          points[i]);
			goto out;
		}
		if (remount_ro(fd) < 0) {
			close_keep_errno(fd);
			fail_copy(f, "cannot remount read-only", points[i]);
			goto out;
		}
		close(fd);
	}
	rc = 0;
out:
	if (table != MAP_FAILED)
		munmap(table, table_size);
	munmap(text, text_cap);
	return rc;
}

/* Make the detached (or, with the fallback, attached) clone FD read-only with
 * SET added, all mounts under it included. 1 if it must wait for the
 * mountinfo walk (no mount_setattr), 0 done, -1 error. */
static int make_ro(int fd, int recursive, uint64_t set)
{
	if (setattr_(fd, recursive ? AT_RECURSIVE : 0, MOUNT_ATTR_RDONLY | set) == 0)
		return 0;
	return errno == ENOSYS ? 1 : -1;
}

/* --- device nodes ------------------------------------------------------ */

/* The tree is nodev (root inside could otherwise write raw disks through
 * /dev/sda: EROFS does not apply to device files). These stay usable; the
 * tty ones are needed for job control and the caller's terminal. */
static const char *const dev_nodes[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty", "/dev/ptmx", "/dev/pts",
};
#define N_DEV (sizeof dev_nodes / sizeof dev_nodes[0])

static int clone_devices(int *fds, struct mnt_fail *f)
{
	size_t i;
	for (i = 0; i < N_DEV; i++) {
		int dir = !strcmp(dev_nodes[i], "/dev/pts");
		struct stat st;
		int fd;

		fds[i] = -1;
		fd = open_tree_(AT_FDCWD, dev_nodes[i],
		                OPEN_TREE_CLONE | AT_SYMLINK_NOFOLLOW | (dir ? AT_RECURSIVE : 0));
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return fail(f, "cannot clone", dev_nodes[i]);
		}
		if (fstat(fd, &st) < 0 || !(dir ? S_ISDIR(st.st_mode) : S_ISCHR(st.st_mode))) {
			close(fd);
			continue;
		}
		if (make_ro(fd, dir, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC) < 0) {
			close_keep_errno(fd);
			return fail(f, "cannot make read-only", dev_nodes[i]);
		}
		fds[i] = fd;
	}
	return 0;
}

static int attach_at(int tree, int mnt, const char *path, int oflags, uint64_t resolve,
                     struct mnt_fail *f, const char *what)
{
	int target = open_in(tree, path, oflags, resolve);
	if (target < 0)
		return fail(f, what, path);
	if (move_mount_(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		close_keep_errno(target);
		return fail(f, "cannot mount on", path);
	}
	close(target);
	return 0;
}

/* --- pieces of the view ------------------------------------------------ */

static int add_tmpfs(int tree, const char *path, struct mnt_fail *f)
{
	int fs, m;

	fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return fail(f, "cannot create a tmpfs for", path);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "1777", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		close_keep_errno(fs);
		return fail(f, "cannot create a tmpfs for", path);
	}
	m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	close_keep_errno(fs);
	if (m < 0)
		return fail(f, "cannot create a tmpfs for", path);
	if (attach_at(tree, m, path, O_DIRECTORY, 0, f, "--tmpfs: no such directory inside") < 0) {
		close_keep_errno(m);
		return -1;
	}
	close(m);
	return 0;
}

/* A writable entry: the user's own descriptor cloned with what is mounted
 * inside it (the original bound non-recursively and lost nested mounts),
 * then attached where the same path leads inside the view. A symlink swapped
 * in meanwhile makes the two lookups disagree: refused, not followed. */
/* Do A and B name the same directory of the same mount? */
static int same_place(int a, int b)
{
	struct stat sa, sb;
	long ma, mb;

	if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0)
		return -1;
	if (sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino)
		return 0;
	if (mount_id_of(a, &ma) < 0 || mount_id_of(b, &mb) < 0)
		return -1;
	return ma == mb;
}

static int add_writable(int *tree_io, int src, const char *path, struct mnt_fail *f)
{
	int tree = *tree_io, top;
	struct stat a, b;
	int clone, target;

	clone = open_tree_(src, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH);
	if (clone < 0)
		return fail(f, "cannot clone", path);
	/* Writable, but no device or setuid file becomes usable through it. */
	if (setattr_(clone, AT_RECURSIVE, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) < 0 && errno != ENOSYS) {
		close_keep_errno(clone);
		return fail(f, "cannot set nosuid,nodev on", path);
	}
	target = open_in(tree, path, 0, 0);
	if (target < 0) {
		close_keep_errno(clone);
		return fail(f, "not found inside the view (under a --tmpfs?)", path);
	}
	if (fstat(src, &a) < 0 || fstat(target, &b) < 0) {
		close_keep_errno(target);
		close_keep_errno(clone);
		return fail(f, "cannot stat", path);
	}
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		close(target);
		close(clone);
		errno = ESTALE;
		return fail(f, "changed while the view was built", path);
	}
	top = same_place(target, tree);
	if (top < 0) {
		close_keep_errno(target);
		close_keep_errno(clone);
		return fail(f, "cannot stat", path);
	}
	if (move_mount_(clone, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		close_keep_errno(target);
		close_keep_errno(clone);
		return fail(f, "cannot mount", path);
	}
	close(target);
	if (top) {
		/* The entry is "/": it now covers the tree's root, and a lookup
		 * that starts at a directory never steps onto what is mounted on
		 * that very directory. From here on the entry is the tree. */
		close(tree);
		*tree_io = clone;
		return 0;
	}
	close(clone);
	return 0;
}

/* The tree sits on top of "/". pivot_root(".", ".") puts the old root on top
 * of the new one, where umount2 detaches it: no put_old directory needed
 * (pivot_root(2) NOTES). The initramfs rootfs cannot be pivoted (EINVAL, it
 * has no parent mount), nor can a root that is not a mount point: there the
 * tree stays mounted over "/" and we chroot into it, as switch_root does. The
 * old root then remains under it, unreachable: no capability is left to
 * chroot out, and the kernel refuses a new user namespace to a chrooted
 * process (create_user_ns, current_chrooted). */
static int enter_root(int tree, const struct mnt_view *v, struct mnt_fail *f)
{
	if (fchdir(tree) < 0)
		return fail(f, "cannot enter the new root", NULL);
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		trace(v, "pivot_root done, detaching the old root", NULL);
		if (umount2(".", MNT_DETACH) < 0)
			return fail(f, "cannot detach the old root", NULL);
	} else if (errno == EINVAL) {
		trace(v, "pivot_root impossible here: MS_MOVE + chroot", NULL);
		if (chroot(".") < 0)
			return fail(f, "cannot chroot into the new root", NULL);
	} else {
		return fail(f, "cannot pivot_root", NULL);
	}
	if (chdir("/") < 0)
		return fail(f, "cannot enter the new root", NULL);
	return 0;
}

/* The kernel gates writes to these on uid 0 alone, not on capabilities
 * (sysctl test_perm, write_sysrq_trigger): root inside must not reach them.
 * bubblewrap covers the first four; the rest is Docker's read-only and masked
 * set, for files some kernel configurations let uid 0 write. */
static const char *const proc_ro[] = {
	"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/acpi", "/proc/fs",
	"/proc/scsi", "/proc/asound", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug", "/proc/mtrr", "/proc/pressure",
};

static int fresh_proc(const struct mnt_view *v, struct mnt_fail *f)
{
	size_t i;

	trace(v, "mounting a fresh /proc", NULL);
	if (ns_mount_proc() < 0)
		return fail(f, "cannot mount", "/proc");
	for (i = 0; i < sizeof proc_ro / sizeof proc_ro[0]; i++) {
		const char *p = proc_ro[i];
		int fd = open_tree_(AT_FDCWD, p, OPEN_TREE_CLONE | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
		int r;
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return fail(f, "cannot clone", p);
		}
		r = make_ro(fd, 1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
		if (r < 0 || move_mount_(fd, "", AT_FDCWD, p, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			close_keep_errno(fd);
			return fail(f, "cannot make read-only", p);
		}
		close(fd);
		if (r > 0) { /* no mount_setattr: the bind is attached, remount it */
			fd = open(p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || remount_ro(fd) < 0) {
				close_keep_errno(fd);
				return fail(f, "cannot make read-only", p);
			}
			close(fd);
		}
	}
	return 0;
}

/* A devpts instance of our own: through the host's, COMMAND could open every
 * other terminal of its uid, read what is typed there and write to it. The
 * caller's own terminal stays reachable through the descriptors it passed
 * and /dev/tty; /dev/ptmx now makes ptys in the new instance. */
static int fresh_devpts(const struct mnt_view *v, struct mnt_fail *f)
{
	struct stat st;

	if (stat("/dev/pts", &st) < 0 || !S_ISDIR(st.st_mode))
		return 0; /* no /dev/pts in this view (--tmpfs /dev) */
	trace(v, "mounting a fresh /dev/pts", NULL);
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	          "newinstance,ptmxmode=0666,mode=0620") < 0)
		return fail(f, "cannot mount", "/dev/pts");
	if (stat("/dev/ptmx", &st) == 0 && mount("/dev/pts/ptmx", "/dev/ptmx", NULL, MS_BIND, NULL) < 0)
		return fail(f, "cannot bind /dev/pts/ptmx on", "/dev/ptmx");
	return 0;
}

int mnt_build_view(const struct mnt_view *v, struct mnt_fail *f)
{
	int dev[N_DEV], tree = -1, walk, rc = -1;
	size_t i;

	for (i = 0; i < N_DEV; i++)
		dev[i] = -1;
	f->step = f->path = NULL;
	trace(v, "cloning the mount tree of /", NULL);
	tree = open_tree_(AT_FDCWD, "/", OPEN_TREE_CLONE | AT_RECURSIVE);
	if (tree < 0) {
		fail(f, errno == ENOSYS ? "cannot clone the mount tree (needs Linux 5.2)"
		                        : "cannot clone the mount tree", NULL);
		goto out;
	}
	/* Read-only before it is attached: there is never a writable moment. */
	walk = make_ro(tree, 1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (walk < 0) {
		fail(f, "cannot make the tree read-only", NULL);
		goto out;
	}
	if (clone_devices(dev, f) < 0)
		goto out;
	trace(v, "attaching the read-only tree over /", NULL);
	if (move_mount_(tree, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		fail(f, "cannot attach the new tree", NULL);
		goto out;
	}
	if (walk) {
		trace(v, "no mount_setattr: remounting each mount read-only", NULL);
		if (ro_walk(tree, f) < 0)
			goto out;
	}
	for (i = 0; i < v->n_tmpfs; i++) {
		trace(v, "tmpfs on ", v->tmpfs[i]);
		if (add_tmpfs(tree, v->tmpfs[i], f) < 0)
			goto out;
	}
	for (i = 0; i < v->n_writable; i++) {
		trace(v, "writable: ", v->writable[i]);
		if (add_writable(&tree, v->writable_fd[i], v->writable[i], f) < 0)
			goto out;
	}
	/* Last, so that an entry like "/" or "/dev" (nodev) does not cover
	 * them; a node that is not there (--tmpfs /dev) is the user's choice. */
	for (i = 0; i < N_DEV; i++)
		if (dev[i] >= 0 && attach_at(tree, dev[i], dev_nodes[i], 0, RESOLVE_NO_SYMLINKS_, f,
		                             "no such device node inside") < 0 && errno != ENOENT)
			goto out;
	/* Without mount_setattr the nodes were attached as they came: remount
	 * them read-only here (else root inside could chmod the host's
	 * /dev/null), keeping them usable (no nodev). */
	for (i = 0; walk && i < N_DEV; i++) {
		int fd;
		if (dev[i] < 0)
			continue;
		fd = open_in(tree, dev_nodes[i] + 1, O_NOFOLLOW, RESOLVE_NO_SYMLINKS_);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || remount_ro_as(fd, 1) < 0) {
			close_keep_errno(fd);
			fail(f, "cannot remount read-only", dev_nodes[i]);
			goto out;
		}
		close(fd);
	}
	if (enter_root(tree, v, f) < 0 || fresh_proc(v, f) < 0 || fresh_devpts(v, f) < 0)
		goto out;
	rc = 0;
out:
	for (i = 0; i < N_DEV; i++)
		close_keep_errno(dev[i]);
	close_keep_errno(tree);
	return rc;
}
