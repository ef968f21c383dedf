#ifndef ISOBOX_NS_H
#define ISOBOX_NS_H

#include <sched.h>
#include <signal.h>
#include <sys/types.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* Creating namespaces and setting them up (nsinit -p..., encapsulate,
 * ssd-isolate --isolate). Each function does one step and returns 0, or -1
 * with errno set; the caller prints the message. */

/* Set-up steps done inside, after the fork (ns_setup). */
#define NS_PRIVATE_ROOT 1u   /* make "/" recursively private (needs CLONE_NEWNS) */
#define NS_MOUNT_PROC 2u     /* fresh /proc for the new PID namespace */
#define NS_MOUNT_IPC 4u      /* fresh /dev/shm (tmpfs) and /dev/mqueue (mqueue) */
#define NS_LO_UP 8u          /* bring "lo" up (needs CLONE_NEWNET) */
#define NS_MAP_ROOT 16u      /* with CLONE_NEWUSER: map the caller to uid/gid 0, else to itself */
#define NS_DIE_WITH_PARENT 32u /* the child gets SIGKILL when the parent dies */

struct ns_net;

struct ns_config {
	int clone_flags;  /* CLONE_NEW* to create */
	unsigned setup;   /* NS_* */
	struct ns_net *net; /* ns_spawn only: CLONE_NEWNET made beside by a helper */
};

/* Parse "pid,mount,ipc,uts,net,cgroup,user,time" (or "all") into CLONE_NEW*
 * flags. -1 with errno EINVAL and *bad pointing at the unknown word. */
int ns_parse_list(const char *list, int *flags, const char **bad);

/* unshare(2) the namespaces of c (the user namespace first, with its id maps
 * written), then fork. Returns the child's pid in the parent, 0 in the child,
 * -1 on error with *step naming what failed. The child is PID 1 of a new PID
 * namespace when CLONE_NEWPID was asked; it must then call ns_setup. */
pid_t ns_spawn(const struct ns_config *c, const char **step);

/* Like ns_spawn, but the namespaces (never CLONE_NEWUSER: no id maps) are
 * created by clone(2) for the child alone: the parent stays where it was, so
 * a setuid-root caller can give up all privilege right after this, holding
 * no namespace it made. The child gets the read end of the parent's liveness
 * pipe in *alive_fd (close-on-exec; -1 in the parent) and must call
 * ns_die_with_parent itself once its credentials are final: the parent-death
 * signal is checked against the credentials of the dying parent, so it
 * cannot reach a child more privileged than its parent, and any credential
 * change clears it. */
pid_t ns_clone(const struct ns_config *c, int *alive_fd, const char **step);

/* In a child of ns_clone, once its credentials are final: set the
 * parent-death signal (SIGKILL) again, then check on ALIVE_FD that the parent
 * did not die before. 0, or -1 with errno ESRCH when the parent is gone. */
int ns_die_with_parent(int alive_fd);

/* In the child: the NS_* set-up steps. -1 with *step naming what failed. */
int ns_setup(const struct ns_config *c, const char **step);

/* In the parent: relay every signal to child until it exits (like
 * unshare --fork). Signals must be blocked (reaper_block_signals). A signal
 * the child may not receive yet (EPERM: it is still more privileged than we
 * are) is kept and sent again every 20 ms until it can be.
 * Returns the child's exit code (128+N if it died of signal N). */
int ns_wait_relay(pid_t child);

/* Single steps, also usable on their own. */
int ns_write_id_maps(uid_t inside_uid, uid_t outside_uid, gid_t inside_gid, gid_t outside_gid);
int ns_make_private(void);
int ns_mount_proc(void);
int ns_mount_ipc(void);
int ns_lo_up(void);

/* A network namespace made beside the rest (ns_config.net). Creating one
 * costs more than all the other namespaces together (~0.65 of ~0.7 ms
 * here: every protocol sets itself up in it), so ns_spawn forks a helper
 * that makes it, with lo up, while the child builds its mounts; the child
 * then joins it with ns_net_join (setns on a pidfd, Linux 5.8). The helper
 * is outside the new PID namespace and exits once the child has joined;
 * ns_wait_relay reaps it. The child must be allowed to ptrace the helper
 * (same ids, dumpable: not in setuid mode). */
struct ns_net {
	pid_t pid; /* the helper */
	int sock;  /* the socket pair end it reports on: [step, errno] */
	int pidfd; /* the helper's pidfd */
};
/* In the child, with CAP_SYS_ADMIN: wait for the helper, join its network
 * namespace, close both descriptors (the helper then exits). Where no
 * pidfd could be had (ENOSYS, EPERM: seccomp) ns_spawn made the namespace
 * with the others, ns_setup brings lo up and this does nothing. -1 with
 * *step naming what failed. */
int ns_net_join(struct ns_net *n, const char **step);

#endif
