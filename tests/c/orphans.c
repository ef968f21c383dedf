/* Benchmark helper (never installed): make N orphans that die in one burst,
 * then wait until the reaper above has reaped every one of them.
 * An intermediate process forks N children and exits, so they are
 * reparented to the nearest reaper; they block on a pipe until we close it,
 * then all exit at once; a zombie still answers kill(pid, 0), so we poll
 * until none does. Usage: orphans N */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 1000;
	struct timespec nap = {0, 200000};
	pid_t *pids, mid;
	int p[2], st;
	char c;

	pids = mmap(NULL, sizeof *pids * (size_t)n, PROT_READ | PROT_WRITE,
	            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pids == MAP_FAILED || pipe(p) < 0)
		return 1;
	mid = fork();
	if (mid < 0)
		return 1;
	if (mid == 0) {
		for (i = 0; i < n; i++) {
			pid_t pid = fork(); /* the child must not write the shared slot */
			if (pid < 0)
				_exit(1);
			if (pid > 0) {
				pids[i] = pid;
			} else {
				close(p[1]);
				while (read(p[0], &c, 1) > 0)
					;
				_exit(0);
			}
		}
		_exit(0);
	}
	if (waitpid(mid, &st, 0) != mid || st != 0)
		return 1;
	close(p[1]);
	for (i = 0; i < n; i++)
		while (kill(pids[i], 0) == 0 || errno != ESRCH)
			nanosleep(&nap, NULL);
	return 0;
}
