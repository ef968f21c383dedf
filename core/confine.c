/* Leaving a process powerless: what bubblewrap does for non-root callers,
 * done for root too (sandbox.md §1.4: "running it as root gives no
 * protection"), plus a TIOCSTI filter that keeps job control (§3.1: setsid
 * would break it, and a 64-bit compare is bypassed). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>

#include "confine.h"
#include "sys.h"

static int fail(const char **step, const char *what)
{
	*step = what;
	return -1;
}

static int cap_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	return (int)syscall(SYS_capget, &h, d);
}

static int cap_set(const struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	return (int)syscall(SYS_capset, &h, d);
}

int confine_lower_caps(unsigned long long keep, const char **step)
{
	struct __user_cap_data_struct d[2];

	if (cap_get(d) < 0)
		return fail(step, "cannot read capabilities");
	d[0].effective &= (uint32_t)keep;
	d[1].effective &= (uint32_t)(keep >> 32);
	if (cap_set(d) < 0)
		return fail(step, "cannot lower capabilities");
	return 0;
}

static int drop_all(int switch_ids, uid_t uid, gid_t gid, const char **step)
{
	struct __user_cap_data_struct d[2] = {{0, 0, 0}, {0, 0, 0}};
	int c, r;

	/* NOROOT: uid 0 gets no capabilities at execve; locked so that cannot be
	 * undone. NO_CAP_AMBIENT_RAISE: the ambient set stays empty. */
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED |
	          SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
	          SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) < 0)
		return fail(step, "cannot lock the securebits");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return fail(step, "cannot clear the ambient capabilities");
	/* The bounding set caps what any later execve can grant, file
	 * capabilities included; it ends where PR_CAPBSET_READ says EINVAL. */
	for (c = 0; c < 64; c++) {
		r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
		if (r < 0 && errno == EINVAL)
			break;
		if (r < 0)
			return fail(step, "cannot read the bounding set");
		if (r > 0 && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return fail(step, "cannot drop the bounding set");
	}
	/* Here, after the bounding set (CAP_SETPCAP) and before the capability
	 * sets are emptied (CAP_SETGID, CAP_SETUID). Leaving uid 0 clears the
	 * permitted and effective sets as well (no SECBIT_NO_SETUID_FIXUP, and
	 * that bit is locked above); the groups stay the caller's. */
	if (switch_ids && (sys_setresgid(gid, gid, gid) < 0 || sys_setresuid(uid, uid, uid) < 0))
		return fail(step, "cannot switch to the caller's user and group ids");
	if (cap_set(d) < 0)
		return fail(step, "cannot drop capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(step, "cannot set no_new_privs");

	/* Read it all back. */
	if (cap_get(d) < 0)
		return fail(step, "cannot read capabilities");
	errno = EPERM;
	if (d[0].effective | d[0].permitted | d[0].inheritable | d[1].effective | d[1].permitted |
	    d[1].inheritable)
		return fail(step, "capabilities still held");
	for (c = 0; c < 64; c++) {
		r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
		if (r < 0)
			break;
		if (r > 0) {
			errno = EPERM;
			return fail(step, "bounding set not empty");
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0) > 0) {
		errno = EPERM;
		return fail(step, "ambient set not empty");
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		errno = EPERM;
		return fail(step, "no_new_privs not set");
	}
	return 0;
}

int confine_drop_all(const char **step)
{
	return drop_all(0, 0, 0, step);
}

int confine_drop_all_as(uid_t uid, gid_t gid, const char **step)
{
	return drop_all(1, uid, gid, step);
}

/* ioctl's cmd is an unsigned int in the kernel (fs/ioctl.c): only the low
 * 32 bits of the argument count, so only they are compared. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG1_LOW (offsetof(struct seccomp_data, args) + 8)
#else
#define ARG1_LOW (offsetof(struct seccomp_data, args) + 12)
#endif

#if defined(__x86_64__)
#define ARCH_NATIVE AUDIT_ARCH_X86_64
#define ARCH_COMPAT AUDIT_ARCH_I386
#define NR_COMPAT_IOCTL 54
#define NR_COMPAT_ADD_KEY 286 /* i386 numbers */
#define NR_COMPAT_REQUEST_KEY 287
#define NR_COMPAT_KEYCTL 288
#define NR_X32_IOCTL 514 /* x32 ABI: nr | __X32_SYSCALL_BIT */
#define X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define ARCH_NATIVE AUDIT_ARCH_AARCH64
#define ARCH_COMPAT AUDIT_ARCH_ARM
#define NR_COMPAT_IOCTL 54
#define NR_COMPAT_ADD_KEY 309 /* arm numbers */
#define NR_COMPAT_REQUEST_KEY 310
#define NR_COMPAT_KEYCTL 311
#elif defined(__i386__)
#define ARCH_NATIVE AUDIT_ARCH_I386
#elif defined(__arm__)
#define ARCH_NATIVE AUDIT_ARCH_ARM
#elif defined(__riscv) && __riscv_xlen == 64
#define ARCH_NATIVE AUDIT_ARCH_RISCV64
#else
#error "confine.c: add the AUDIT_ARCH of this architecture"
#endif
#ifndef ARCH_COMPAT /* no second ABI: a value no syscall carries */
#define ARCH_COMPAT 0
#define NR_COMPAT_IOCTL 0xffffffffu
#define NR_COMPAT_ADD_KEY 0xffffffffu
#define NR_COMPAT_REQUEST_KEY 0xffffffffu
#define NR_COMPAT_KEYCTL 0xffffffffu
#endif
#ifndef X32_BIT
#define X32_BIT 0u
#define NR_X32_IOCTL 0xffffffffu
#endif

int confine_block_tty_inject(const char **step)
{
	/* Offsets are relative: target = index + 1 + jump. */
	struct sock_filter f[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NATIVE, 2, 0),     /* -> 4 */
		/* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_COMPAT, 9, 0),     /* -> 12 */
		/* 3 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		/* 4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* 5 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~X32_BIT),
		/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 11, 0),      /* -> 18 */
		/* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_X32_IOCTL, 10, 0),   /* -> 18 */
		/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_keyctl, 13, 0),     /* -> 22 */
		/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_add_key, 12, 0),    /* -> 22 */
		/* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_request_key, 11, 0), /* -> 22 */
		/* 11 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 12 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_COMPAT_IOCTL, 4, 0), /* -> 18 */
		/* 14 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_COMPAT_KEYCTL, 7, 0), /* -> 22 */
		/* 15 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_COMPAT_ADD_KEY, 6, 0), /* -> 22 */
		/* 16 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_COMPAT_REQUEST_KEY, 5, 0), /* -> 22 */
		/* 17 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 18 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG1_LOW),
		/* 19 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 2, 0),         /* -> 22 */
		/* 20 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, 1, 0),       /* -> 22 */
		/* 21 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 22 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};

	/* Kernel keyrings are not namespaced for root (uid 0's user keyring is
	 * every root process's): a fresh session keyring, then no keyctl,
	 * add_key or request_key at all (Docker's default profile does the same). */
	if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) < 0 && errno != ENOSYS)
		return fail(step, "cannot join a new session keyring");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return fail(step, "cannot install the seccomp filter");
	return 0;
}

static int close_from_to(unsigned lo, unsigned hi)
{
	struct rlimit rl;
	unsigned fd;

	if (lo > hi)
		return 0;
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	/* Before Linux 5.9: one by one, up to the highest number possible. */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_max != RLIM_INFINITY && hi >= rl.rlim_max)
		hi = (unsigned)rl.rlim_max - 1;
	if (hi > 1u << 20)
		hi = 1u << 20;
	for (fd = lo; fd <= hi; fd++)
		close((int)fd);
	return 0;
}

int confine_close_fds(const int *keep, size_t n, const char **step)
{
	unsigned lo = 3;
	size_t i;
	int last = -1;

	/* KEEP is small: take its members in increasing order without sorting. */
	for (;;) {
		int next = -1;
		for (i = 0; i < n; i++)
			if (keep[i] > last && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0)
			break;
		if (next >= 3) {
			if (close_from_to(lo, (unsigned)next - 1) < 0)
				return fail(step, "cannot close inherited descriptors");
			lo = (unsigned)next + 1;
		}
		last = next;
	}
	if (close_from_to(lo, ~0u) < 0)
		return fail(step, "cannot close inherited descriptors");
	return 0;
}
