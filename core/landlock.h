#ifndef ISOBOX_LANDLOCK_H
#define ISOBOX_LANDLOCK_H

#include <stddef.h>

/* Landlock (Linux 5.13+) as a second wall behind the read-only mounts: after
 * it, this process and its children may create, remove, rename or open for
 * writing only beneath the given objects (O_PATH fds of directories or
 * files). It closes what mount flags cannot: reopening an inherited
 * read-only fd for writing through /proc/self/fd, openat(2) on an inherited
 * host directory, and writes to FIFOs (the kernel never applies EROFS to
 * them). Reading and executing are left to the mounts.
 * Returns 0, 1 when the kernel has no Landlock (nothing done), -1 with errno.
 * Needs no_new_privs (or CAP_SYS_ADMIN). */
int landlock_writable_only(const int *fds, size_t n);

#endif
