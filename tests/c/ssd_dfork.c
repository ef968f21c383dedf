/* A classic double-forking daemon for the ssd-isolate tests:
 *   ssd_dfork PIDFILE SECONDS [fail|term-ignore|child]
 * forks, setsid, forks again, writes its own pid (as it sees it) to PIDFILE
 * and sleeps. "fail" exits 3 before forking; "term-ignore" ignores SIGTERM;
 * "child" also keeps one child process alive. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 3 ? argv[3] : "";
	FILE *f;

	if (argc < 3)
		return 2;
	if (!strcmp(mode, "fail"))
		return 3;
	if (fork() != 0)
		return 0;
	setsid();
	if (fork() != 0)
		_exit(0);
	if (!strcmp(mode, "term-ignore"))
		signal(SIGTERM, SIG_IGN);
	if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout) ||
	    !freopen("/dev/null", "w", stderr))
		return 1;
	if (!strcmp(mode, "child") && fork() == 0) {
		sleep((unsigned)atoi(argv[2]));
		_exit(0);
	}
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	sleep((unsigned)atoi(argv[2]));
	return 0;
}
