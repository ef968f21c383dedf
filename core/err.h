#ifndef ISOBOX_ERR_H
#define ISOBOX_ERR_H

#include <stddef.h>

/* Exit codes of the exec-wrapping applets (docs/isobox.1, EXIT STATUS):
 * COMMAND's own status, 128+N when COMMAND died of signal N, and these. */
enum {
	EXIT_OWN = 125,      /* the applet's own failure, usage errors included */
	EXIT_NOEXEC = 126,   /* COMMAND found but could not be executed */
	EXIT_NOTFOUND = 127, /* COMMAND not found (also: unknown applet name) */
};

/* "who: piece piece ...\n" on stderr in one write(2); the list ends with NULL. */
void msg(const char *who, ...) __attribute__((sentinel));
/* Same, followed by ": strerror(err)". */
void msg_sys(int err, const char *who, ...) __attribute__((sentinel));
/* Pieces written to fd, in one write(2) when they fit in 4 KiB; -1 on error. */
int put(int fd, ...) __attribute__((sentinel));
int write_all(int fd, const void *buf, size_t len);

/* Decimal text of v in buf (at least 21 bytes); returns buf. */
char *fmt_u(char *buf, unsigned long v);
char *fmt_i(char *buf, long v);
/* Strict decimal parse of a whole string into [min, max]; -1 with EINVAL or ERANGE. */
int parse_long(const char *s, long min, long max, long *out);

/* Exit code for a waitpid(2) status: the code, or 128+N for signal N. */
int exit_code_of(int wstatus);
/* Exit code for a failed execve: 127 when not found, else 126. */
int exit_code_of_exec_errno(int err);

#endif
