/* Messages composed from string pieces (skalibs strerr style): no stdio, one
 * write(2) per message so lines from several processes do not interleave. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static size_t append(char *buf, size_t used, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n > cap - used)
		n = cap - used;
	memcpy(buf + used, s, n);
	return used + n;
}

static void vmsg(int err, const char *who, va_list ap)
{
	char buf[1024];
	size_t cap = sizeof buf - 1, used = 0;
	const char *s;

	used = append(buf, used, cap, who);
	used = append(buf, used, cap, ": ");
	while ((s = va_arg(ap, const char *)))
		used = append(buf, used, cap, s);
	if (err) {
		used = append(buf, used, cap, ": ");
		used = append(buf, used, cap, strerror(err));
	}
	buf[used++] = '\n';
	write_all(2, buf, used);
}

void msg(const char *who, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, who);
	vmsg(0, who, ap);
	va_end(ap);
	errno = saved;
}

void msg_sys(int err, const char *who, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, who);
	vmsg(err, who, ap);
	va_end(ap);
	errno = saved;
}

int put(int fd, ...)
{
	char buf[4096];
	size_t used = 0;
	const char *s;
	va_list ap;
	int rc = 0;

	va_start(ap, fd);
	while ((s = va_arg(ap, const char *))) {
		size_t n = strlen(s);
		if (n > sizeof buf - used) {
			if (write_all(fd, buf, used) < 0 || write_all(fd, s, n) < 0)
				rc = -1;
			used = 0;
			continue;
		}
		memcpy(buf + used, s, n);
		used += n;
	}
	va_end(ap);
	if (used && write_all(fd, buf, used) < 0)
		rc = -1;
	return rc;
}

char *fmt_u(char *buf, unsigned long v)
{
	char tmp[21];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
	return buf;
}

char *fmt_i(char *buf, long v)
{
	if (v < 0) {
		buf[0] = '-';
		fmt_u(buf + 1, 0UL - (unsigned long)v);
		return buf;
	}
	return fmt_u(buf, (unsigned long)v);
}

int parse_long(const char *s, long min, long max, long *out)
{
	int neg = 0;
	unsigned long v = 0, lim;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!*s) {
		errno = EINVAL;
		return -1;
	}
	lim = neg ? 0UL - (unsigned long)LONG_MIN : (unsigned long)LONG_MAX;
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			errno = EINVAL;
			return -1;
		}
		if (v > (lim - (unsigned long)(*s - '0')) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + (unsigned long)(*s - '0');
	}
	long r = neg ? (long)(0UL - v) : (long)v;
	if (r < min || r > max) {
		errno = ERANGE;
		return -1;
	}
	*out = r;
	return 0;
}

int exit_code_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_OWN;
}

int exit_code_of_exec_errno(int err)
{
	return (err == ENOENT || err == ENOTDIR) ? EXIT_NOTFOUND : EXIT_NOEXEC;
}
