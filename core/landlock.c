#include <errno.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"

/* Newer than the linux-libc-dev 6.1 headers. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define FILE_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
#define TREE_WRITE (LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
	LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER)

int landlock_writable_only(const int *fds, size_t n)
{
	struct landlock_ruleset_attr attr = {0};
	unsigned long long handled = FILE_WRITE | TREE_WRITE;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	int rs, err;
	size_t i;

	if (abi < 0)
		return (errno == ENOSYS || errno == EOPNOTSUPP) ? 1 : -1;
	/* Only what this kernel knows, or the ruleset is refused (EINVAL). */
	if (abi < 2)
		handled &= ~LANDLOCK_ACCESS_FS_REFER;
	if (abi < 3)
		handled &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
	attr.handled_access_fs = handled;
	rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (rs < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct landlock_path_beneath_attr pb = {0};
		struct stat st;
		if (fstat(fds[i], &st) < 0)
			goto fail;
		/* A file takes only the rights that make sense for a file. */
		pb.allowed_access = S_ISDIR(st.st_mode) ? handled : handled & FILE_WRITE;
		pb.parent_fd = fds[i];
		if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
			goto fail;
	}
	if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		goto fail;
	return close(rs);
fail:
	err = errno;
	close(rs);
	errno = err;
	return -1;
}
