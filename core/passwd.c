/* Line scanner for the colon-separated account files (passwd(5), group(5)). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "passwd.h"

/* Calls fn with the fields of every line until it returns non-zero; returns
 * that value, 0 at the end, -1 on a read error. Longer lines are skipped. */
static int db_scan(const char *path, int (*fn)(char **f, int n, void *arg), void *arg)
{
	char buf[16384], *f[8];
	size_t have = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0, skip = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t got = read(fd, buf + have, sizeof buf - 1 - have);
		char *line = buf, *nl;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -1;
			break;
		}
		have += (size_t)got;
		if (!got && have && buf[have - 1] != '\n')
			buf[have++] = '\n'; /* last line without newline */
		buf[have] = 0;
		while (!rc && (nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			int n = 0;
			char *p = line;
			*nl = 0;
			if (!skip) {
				while (n < 8) {
					f[n++] = p;
					p = strchr(p, ':');
					if (!p)
						break;
					*p++ = 0;
				}
				rc = fn(f, n, arg);
			}
			skip = 0;
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (rc || !got)
			break;
		if (have == sizeof buf - 1) { /* a line too long: drop it */
			have = 0;
			skip = 1;
		}
	}
	close(fd);
	return rc;
}

struct query {
	const char *name;
	long id;
	void *out;
	gid_t *list;
	int n, cap;
};

static int id_of(const char *s, long *v)
{
	return parse_long(s, 0, 0xffffffffL, v);
}

static void copy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static int user_line(char **f, int n, void *arg)
{
	struct query *q = arg;
	struct db_user *u = q->out;
	long uid, gid;

	if (n < 7 || id_of(f[2], &uid) < 0 || id_of(f[3], &gid) < 0)
		return 0;
	if (q->name ? strcmp(f[0], q->name) != 0 : uid != q->id)
		return 0;
	copy(u->name, f[0], sizeof u->name);
	copy(u->home, f[5], sizeof u->home);
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	return 1;
}

static int group_line(char **f, int n, void *arg)
{
	struct query *q = arg;
	struct db_group *g = q->out;
	long gid;

	if (n < 3 || id_of(f[2], &gid) < 0)
		return 0;
	if (q->name ? strcmp(f[0], q->name) != 0 : gid != q->id)
		return 0;
	copy(g->name, f[0], sizeof g->name);
	g->gid = (gid_t)gid;
	return 1;
}

static int member_line(char **f, int n, void *arg)
{
	struct query *q = arg;
	long gid;
	char *m;

	if (n < 4 || id_of(f[2], &gid) < 0 || (gid_t)gid == q->list[0])
		return 0;
	for (m = f[3]; *m; m += strcspn(m, ",") + (m[strcspn(m, ",")] != 0)) {
		size_t len = strcspn(m, ",");
		if (len == strlen(q->name) && !strncmp(m, q->name, len)) {
			if (q->n < q->cap)
				q->list[q->n++] = (gid_t)gid;
			break;
		}
	}
	return 0;
}

static int found(int rc)
{
	if (rc > 0)
		return 0;
	if (rc == 0)
		errno = ENOENT;
	return -1;
}

int db_user(const char *name, uid_t uid, struct db_user *out)
{
	struct query q = {name, (long)uid, out, NULL, 0, 0};
	return found(db_scan("/etc/passwd", user_line, &q));
}

int db_group(const char *name, gid_t gid, struct db_group *out)
{
	struct query q = {name, (long)gid, out, NULL, 0, 0};
	return found(db_scan("/etc/group", group_line, &q));
}

int db_groups_of(const char *user, gid_t gid, gid_t *list, int cap)
{
	struct query q = {user, 0, NULL, list, 1, cap};
	if (cap < 1)
		return 0;
	list[0] = gid;
	db_scan("/etc/group", member_line, &q);
	return q.n;
}
