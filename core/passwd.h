#ifndef ISOBOX_PASSWD_H
#define ISOBOX_PASSWD_H

#include <sys/types.h>

/* /etc/passwd and /etc/group lookups without libc's getpwnam family, which
 * in a static musl binary drags in stdio and the nscd client (~10 KB) for
 * files that are a few colon-separated lines on the systems isobox is for.
 * Each returns 0 when found, -1 otherwise (errno ENOENT, or the read error). */

struct db_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	char home[256];
};
struct db_group {
	char name[64];
	gid_t gid;
};

/* By name when name is not NULL, else by uid. */
int db_user(const char *name, uid_t uid, struct db_user *out);
/* By name when name is not NULL, else by gid. */
int db_group(const char *name, gid_t gid, struct db_group *out);
/* initgroups(3): gid, then every group listing user as a member; count. */
int db_groups_of(const char *user, gid_t gid, gid_t *list, int cap);

#endif
