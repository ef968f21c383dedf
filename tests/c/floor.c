/* Benchmark helper (never installed): the floor for encapsulate, i.e. the
 * least any tool must do to run COMMAND in the namespace set encapsulate
 * makes as root (issue 8: "encapsulate within 1.5x of the floor").
 * Usage (as root): floor COMMAND [ARGS...]
 *
 * One unshare of the same set (mount, PID, IPC, UTS, net, cgroup), a fork
 * (the new PID namespace takes effect only for children), then in that
 * child, PID 1 of the new namespace: mount propagation made private (or the
 * /proc mount below would reach the host), lo up, a fresh /proc for the new
 * PID namespace, and COMMAND forked, exec'd and waited for. No read-only
 * view, no writable holes, no option parsing, no error messages beyond a
 * status: the bare kernel cost plus two forks and an exec. */
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int wait_for(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static int lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	pid_t init, cmd;

	if (argc < 2)
		return 125;
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET |
	            CLONE_NEWCGROUP) < 0)
		return 125;
	init = fork();
	if (init < 0)
		return 125;
	if (init == 0) {
		if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || lo_up() < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			_exit(125);
		cmd = fork();
		if (cmd < 0)
			_exit(125);
		if (cmd == 0) {
			execvp(argv[1], argv + 1);
			_exit(127);
		}
		_exit(wait_for(cmd));
	}
	return wait_for(init);
}
