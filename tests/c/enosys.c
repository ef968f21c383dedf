/* Test helper: run COMMAND as if the kernel lacked some system calls.
 * Usage: enosys NR[,NR...] COMMAND [ARGS...]
 * A seccomp filter fails each listed syscall number (native ABI) with ENOSYS,
 * the way an older kernel answers; everything else is allowed. Sets
 * no_new_privs, which seccomp needs without CAP_SYS_ADMIN. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

int main(int argc, char **argv)
{
	struct sock_filter f[64];
	struct sock_fprog prog;
	unsigned nrs[28], n = 0, i, k = 0;
	char *p;

	if (argc < 3) {
		static const char u[] = "usage: enosys NR[,NR...] COMMAND [ARGS...]\n";
		(void)!write(2, u, sizeof u - 1);
		return 2;
	}
	for (p = argv[1]; *p && n < 28;) {
		nrs[n++] = (unsigned)strtoul(p, &p, 10);
		if (*p == ',')
			p++;
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nrs[i], 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)k;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
		static const char m[] = "enosys: cannot install the filter\n";
		(void)!write(2, m, sizeof m - 1);
		return 2;
	}
	execvp(argv[2], argv + 2);
	{
		static const char m[] = "enosys: cannot execute the command\n";
		(void)!write(2, m, sizeof m - 1);
	}
	return 127;
}
