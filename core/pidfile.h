#ifndef ISOBOX_PIDFILE_H
#define ISOBOX_PIDFILE_H

#include <sys/types.h>

/* Reading a pidfile with start-stop-daemon's safety rules (dpkg >= 1.19.3,
 * shared/reference/start-stop-daemon.md §1.4), for ssd-isolate and
 * nsenter-lite --pidfile. */
enum pidfile_result {
	PIDFILE_OK = 0,         /* *pid holds a number > 0 */
	PIDFILE_MISSING,        /* ENOENT: no such file (not an error for start-stop-daemon) */
	PIDFILE_GARBAGE,        /* no number at the start of the file */
	PIDFILE_WORLD_WRITABLE, /* mode & 0002: always refused */
	PIDFILE_NOT_ROOT,       /* only matcher and not owned by caller/root (uid or gid) */
	PIDFILE_ERROR,          /* open/fstat/read failed: errno is set */
};

/* Flags for pidfile_read. */
#define PIDFILE_ONLY_MATCHER 1u /* apply the ownership rule */

/* "/dev/null" is exempt from the two checks (dpkg #920242) and, being empty,
 * reads as PIDFILE_GARBAGE. Symbolic links are followed for reading, as dpkg
 * does; the checks apply to the file actually opened (fstat of the fd). */
enum pidfile_result pidfile_read(const char *path, unsigned flags, pid_t *pid);
/* Parse a pidfile's content the way dpkg's fscanf("%d") does: optional
 * leading white space and sign, then digits; value must be > 0. */
int pidfile_parse(const char *buf, size_t len, pid_t *pid);

#endif
