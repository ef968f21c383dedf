/* Pidfiles read with start-stop-daemon's rules: the file is checked through
 * the descriptor we read from, so it cannot be swapped between check and read. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pidfile.h"

int pidfile_parse(const char *buf, size_t len, pid_t *pid)
{
	size_t i = 0;
	long v = 0;
	int neg = 0, digits = 0;

	while (i < len && (buf[i] == ' ' || (buf[i] >= '\t' && buf[i] <= '\r')))
		i++;
	if (i < len && (buf[i] == '-' || buf[i] == '+'))
		neg = buf[i++] == '-';
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++, digits++) {
		v = v * 10 + (buf[i] - '0');
		if (v > INT_MAX)
			return -1;
	}
	if (!digits || neg || v <= 0)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

enum pidfile_result pidfile_read(const char *path, unsigned flags, pid_t *pid)
{
	char buf[64];
	struct stat st;
	ssize_t n;
	int fd, err;

	int exempt = !strcmp(path, "/dev/null"); /* dpkg: "start no matter what" */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? PIDFILE_MISSING : PIDFILE_ERROR;
	if (fstat(fd, &st) < 0)
		goto fail;
	/* dpkg checks ownership first: a file that is both gets that message. */
	if (!exempt && (flags & PIDFILE_ONLY_MATCHER) &&
	    ((st.st_uid != getuid() && st.st_uid != 0) || (st.st_gid != getgid() && st.st_gid != 0))) {
		close(fd);
		return PIDFILE_NOT_ROOT;
	}
	if (!exempt && (st.st_mode & S_IWOTH)) {
		close(fd);
		return PIDFILE_WORLD_WRITABLE;
	}
	/* A read error (a directory: EISDIR) is dpkg's failed fscanf: no number. */
	n = read(fd, buf, sizeof buf);
	close(fd);
	return n < 0 || pidfile_parse(buf, (size_t)n, pid) < 0 ? PIDFILE_GARBAGE : PIDFILE_OK;
fail:
	err = errno;
	close(fd);
	errno = err;
	return PIDFILE_ERROR;
}
