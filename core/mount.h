#ifndef ISOBOX_MOUNT_H
#define ISOBOX_MOUNT_H

#include <limits.h>
#include <stddef.h>

/* Read-only views of the system built with the new mount API (open_tree,
 * mount_setattr, move_mount, fsopen), for encapsulate and ssd-isolate
 * --isolate. Everything happens through file descriptors inside a private
 * mount namespace: no temporary directory, no path walked twice, nothing that
 * can land outside the new root. Each function returns 0, or -1 with errno
 * set and, where given, the struct mnt_fail saying what failed; none prints. */

struct mnt_view {
	/* Writable entries: O_PATH descriptors opened by the caller *as the
	 * user* (with the user's permissions, symlinks followed), and the
	 * paths they were opened by. Each is cloned with the mounts nested in it
	 * and attached at the same path inside the view; the path is looked up
	 * again inside the view (RESOLVE_IN_ROOT) and must reach the same file. */
	const int *writable_fd;
	const char *const *writable;
	size_t n_writable;
	/* Fresh empty tmpfs (mode 1777) over these existing directories. */
	const char *const *tmpfs;
	size_t n_tmpfs;
	/* -v: called with each step before it is done; NULL for silence. */
	void (*trace)(const char *step, const char *path);
};

struct mnt_fail {
	const char *step; /* "cannot clone the mount tree", ... */
	const char *path; /* the path concerned, or NULL */
	char copy[PATH_MAX]; /* where path points when it had to be copied */
};

/* In a new mount namespace whose "/" is already private (ns_make_private),
 * and in a new PID namespace: make the whole tree read-only (every submount,
 * stacked and over-mounted ones included, each keeping its own flags, plus
 * nosuid and nodev), keep a few device nodes (null zero full random urandom
 * tty ptmx pts) usable, add the tmpfs and writable entries, make the view
 * the root (pivot_root, or MS_MOVE + chroot where "/" is the initramfs
 * rootfs), and mount a fresh /proc whose sys, sysrq-trigger, irq and bus are
 * read-only. The working directory is "/" afterwards. */
int mnt_build_view(const struct mnt_view *v, struct mnt_fail *f);

/* Make "/" and every mount under it private (nothing mounted inside reaches
 * the host, nothing the host mounts later appears inside). Where "/" is not
 * a mount point (a chroot), accepted only if the mount holding it is known
 * not to be shared (statmount, Linux 6.8); EINVAL or ENOSYS otherwise. */
int mnt_make_private_root(void);

/* Open PATH O_PATH|O_CLOEXEC with the caller's current credentials,
 * following symlinks: the only way a writable entry is looked up outside the
 * view. Refuses a path that is not absolute (EINVAL). */
int mnt_open_entry(const char *path);

/* encapsulate's writable list 'W1|W2|...': the number of entries in it (0
 * for ""), which is how many mnt_list_split writes. */
size_t mnt_list_count(const char *list);

/* Cut COPY, a writable copy of a list, in place at each '|' into its N
 * entries (N = mnt_list_count(COPY), ENTRIES has room for them), each to be
 * an absolute path. 0, or -1 with EINVAL and *BAD = NULL if any element is
 * empty (whatever else is wrong), else *BAD = the first relative one. */
int mnt_list_split(char *copy, const char **entries, size_t n, const char **bad);

/* Parse the text of /proc/self/mountinfo in place: for each line, up to MAX
 * of them, the mount id and parent id (the first two fields, decimal) and the
 * mount point (the fifth, its \ooo escapes undone) cut out of TEXT. Fields
 * are split on single spaces; a missing one reads "" (id 0). Returns the
 * number of entries written. */
size_t mnt_parse_mountinfo(char *text, long *ids, long *parents, char **points, size_t max);

/* Which of the N mounts (ids, parents) belong to the tree of mount ROOT: IN,
 * N bytes of zeros on entry, gets a 1 for the mounts with id ROOT and those
 * whose parent is in the tree (to a fixed point), the others stay 0. */
void mnt_tree_members(const long *ids, const long *parents, size_t n, long root, unsigned char *in);

#endif
