"""nsenter-lite: side by side with util-linux nsenter (the oracle) wherever both
have the option, then what only nsenter-lite does. Every target is a process
the test starts under `unshare` and kills at its end; never PID 1."""
import os
import select
import signal
import subprocess
import time

import pytest

from conftest import MARK, MARK_VALUE, as_nobody, children, run, state

NSENTER = '/usr/bin/nsenter'
ALL_TYPES = ['user', 'cgroup', 'ipc', 'uts', 'net', 'pid', 'mnt', 'time']
SHOW_NS = 'echo $$; readlink ' + ' '.join('/proc/self/ns/' + t for t in ALL_TYPES)
CREDS = 'id -u; id -g; id -G; grep CapEff /proc/self/status'


def wait_for(cond, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            pytest.fail('timed out waiting for ' + what)
        time.sleep(0.01)


def read_line(stream, timeout=30.0):
    if not select.select([stream], [], [], timeout)[0]:
        pytest.fail('no output within %ss' % timeout)
    return stream.readline()


def comm(pid):
    try:
        with open('/proc/%d/comm' % pid) as f:
            return f.read()
    except OSError:
        return None


def ns_link(pid, t):
    return os.readlink('/proc/%s/ns/%s' % (pid, t))


class Target:
    """`launcher ... sh -c 'SETUP; echo ready; exec sleep'`: the process that
    says ready (the deepest descendant of the launcher) is the target."""

    def __init__(self, launcher, setup='true', env=None, cwd='/', walk=True):
        script = setup + '; echo ready; exec sleep 1000'
        self.proc = subprocess.Popen(launcher + ['sh', '-c', script], stdout=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, env=env, cwd=cwd, text=True)
        self.pid = None
        line = read_line(self.proc.stdout)
        if line != 'ready\n':
            self.kill()
            pytest.fail('target did not start: %r' % line)
        pid = self.proc.pid
        while walk and children(pid):
            pid = children(pid)[0]
        self.pid = pid
        # Past the exec: during it /proc/PID/environ may read empty.
        wait_for(lambda: comm(pid) == 'sleep\n', 'the target to exec sleep')

    def map_ids(self, line='0 100000 65536'):
        for f in ('uid_map', 'gid_map'):
            with open('/proc/%d/%s' % (self.pid, f), 'w') as fh:
                fh.write(line)

    def kill(self):
        for pid in (self.pid, self.proc.pid):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


@pytest.fixture
def targets():
    started = []

    def start(launcher, setup='true', **kw):
        t = Target(launcher, setup, **kw)
        started.append(t)
        return t
    yield start
    for t in started:
        t.kill()


FULL = ['unshare', '--fork', '--pid', '--mount-proc', '--uts', '--ipc', '--net', '--mount',
        '--cgroup', '--time']


@pytest.fixture
def T(targets, tmp_path):
    """Root's container: every type but user new; host name tgt; cwd tmp_path/cwd."""
    (tmp_path / 'cwd').mkdir()
    return targets(FULL, 'hostname tgt; cd %s' % (tmp_path / 'cwd'))


@pytest.fixture
def nsl(applets):
    return applets['nsenter-lite']


def outcome(p):
    """(status, stdout) with util-linux's conventions mapped to ours: its own
    failures are 1 where ours are 125; it re-raises COMMAND's death by signal
    N where we exit 128+N (the shell sees 128+N from both)."""
    rc = p.returncode
    if rc < 0:
        rc = 128 - rc
    if rc in (1, 125):
        rc = 'failed'
    return rc, p.stdout


def one_line_error(p):
    assert p.returncode == 125, (p.returncode, p.stdout, p.stderr)
    assert p.stdout == ''
    assert p.stderr.startswith('nsenter-lite: ') and p.stderr.count('\n') == 1, p.stderr
    return p.stderr


def pid_class(out):
    """Lines holding a PID become "small" or "large": PIDs in the target's
    PID namespace go on counting from one run to the next."""
    return '\n'.join(('small' if int(x) < 100 else 'large') if x.isdigit() else x
                     for x in out.split('\n'))


def compare(nsl, args, cwd=None, norm=pid_class):
    """Run the same arguments through both; return nsenter-lite's outcome."""
    ours = run([nsl] + args, cwd=cwd)
    theirs = run([NSENTER] + args, cwd=cwd)
    (rc, out), (rc2, out2) = outcome(ours), outcome(theirs)
    assert (rc, norm(out)) == (rc2, norm(out2)), (args, ours.stderr, theirs.stderr)
    if ours.returncode == 125:
        one_line_error(ours)
    return rc, out


# --- side by side with util-linux ---------------------------------------------

ALL_BUT_USER = 'cgroup ipc uts net pid mnt time'
NS_CASES = [  # options, command, expected output, namespaces COMMAND must be in
    (['-u'], ['hostname'], 'tgt\n', 'uts'),
    (['--uts'], ['hostname'], 'tgt\n', 'uts'),
    (['-a'], ['hostname'], 'tgt\n', ''),
    (['-a'], ['sh', '-c', SHOW_NS], None, ALL_BUT_USER),
    (['-m', '-u', '-i', '-n', '-p', '-C', '-T'], ['sh', '-c', SHOW_NS], None, ALL_BUT_USER),
    (['--mount', '--uts', '--ipc', '--net', '--pid', '--cgroup', '--time'], ['sh', '-c', SHOW_NS],
     None, ALL_BUT_USER),
    (['-n', '-u'], ['sh', '-c', SHOW_NS], None, 'net uts'),
    (['-i', '-C', '-T'], ['sh', '-c', SHOW_NS], None, 'ipc cgroup time'),
    (['-p', '-F'], ['sh', '-c', 'readlink /proc/$$/ns/pid /proc/self/ns/pid_for_children'], None, ''),
    (['-p'], ['sh', '-c', 'echo $$'], None, ''),
]


@pytest.mark.parametrize('opts,cmd,out,inside', NS_CASES, ids=[' '.join(c[0]) for c in NS_CASES])
def test_namespaces_like_util_linux(nsl, T, opts, cmd, out, inside):
    rc, stdout = compare(nsl, ['-t', str(T.pid)] + opts + cmd)
    assert rc == 0
    if out:
        assert stdout == out
    if cmd[-1] == SHOW_NS:
        # Not only the same as util-linux: really in the target's namespaces.
        links = stdout.split('\n')[1:-1]
        assert links == [ns_link(T.pid if t in inside.split() else 'self', t) for t in ALL_TYPES]
        assert pid_class(stdout).startswith('small' if 'pid' in inside else 'large')


def test_namespace_files_like_util_linux(nsl, T):
    t = T.pid
    args = ['-u/proc/%d/ns/uts' % t, '--net=/proc/%d/ns/net' % t, '-p/proc/%d/ns/pid' % t,
            'sh', '-c', 'hostname; ' + SHOW_NS]
    rc, out = compare(nsl, args)
    assert rc == 0 and out.startswith('tgt\n')
    assert ns_link(t, 'net') in out and ns_link(t, 'pid') in out


def test_namespace_file_with_equals_sign(nsl, T):
    # -n=FILE as util-linux 2.42 reads it (2.38 here would open "=FILE").
    p = run([nsl, '-u=/proc/%d/ns/uts' % T.pid, '-r=/', 'hostname'], check=0)
    assert p.stdout == 'tgt\n'


DIR_CASES = [
    ['-m'],
    ['-m', '-w'],
    ['-u', '-w'],
    ['-u', '-r'],
    ['-m', '-r'],
    ['-u', '-r', '-w'],
    ['-m', '-r/', '-w/proc'],
    ['-a', '-w'],
]


@pytest.mark.parametrize('opts', DIR_CASES, ids=[' '.join(c) for c in DIR_CASES])
def test_root_and_wd_like_util_linux(nsl, T, tmp_path, opts):
    here = tmp_path / 'here'
    here.mkdir()
    rc, out = compare(nsl, ['-t', str(T.pid)] + opts + ['sh', '-c', 'pwd -P; ls -d /proc/1'],
                      cwd=here)
    assert rc == 0
    if '-w' in opts:
        assert out.split('\n')[0] == str(tmp_path / 'cwd')


def test_wd_tunnels_to_a_directory_opened_before_entering(nsl, T, tmp_path):
    d = tmp_path / 'tunnel'
    d.mkdir()
    (d / 'marker').write_text('x')
    rc, out = compare(nsl, ['-t', str(T.pid), '-m', '-w%s' % d, 'ls'])
    assert (rc, out) == (0, 'marker\n')


STATUS_CASES = [
    (['-a'], ['sh', '-c', 'exit 7'], 7),
    (['-u'], ['sh', '-c', 'exit 0'], 0),
    (['-u'], ['sh', '-c', 'kill -TERM $$'], 143),
    (['-a'], ['sh', '-c', 'kill -TERM $$'], 143),
    (['-p'], ['sh', '-c', 'kill -KILL $$'], 137),
    (['-p'], ['sh', '-c', 'exit 255'], 255),
    (['-u'], ['/nonexistent/command'], 127),
    (['-p'], ['no-such-command-here'], 127),
    (['-u'], ['/etc/passwd'], 126),
    (['-U'], ['true'], 'failed'),  # same user namespace as ours: EINVAL
]


@pytest.mark.parametrize('opts,cmd,status', STATUS_CASES,
                         ids=['%s %s' % (' '.join(c[0]), c[1][-1]) for c in STATUS_CASES])
def test_exit_status_like_util_linux(nsl, T, opts, cmd, status):
    rc, _ = compare(nsl, ['-t', str(T.pid)] + opts + cmd)
    assert rc == status


def test_signal_death_seen_by_a_shell_like_util_linux(nsl, T):
    script = '"$0" -t %d -p sh -c "kill -INT \\$\\$"; echo $?' % T.pid
    ours = run(['sh', '-c', script, nsl])
    theirs = run(['sh', '-c', script, NSENTER])
    assert ours.stdout == theirs.stdout == '130\n'


def test_setuid_setgid_without_user_namespace_like_util_linux(nsl, T):
    rc, out = compare(nsl, ['-t', str(T.pid), '-u', '-S', '1000', '-G', '1001', 'sh', '-c', CREDS])
    assert rc == 0 and out.split('\n')[:3] == ['1000', '1001', '1001']


@pytest.fixture
def V(targets):
    """A user namespace (plus UTS) mapped 0 -> 100000 from outside."""
    t = targets(['unshare', '--user', '--uts', '--fork'])
    t.map_ids()
    return t


USER_CASES = [
    (['-U'], ['0', '0', '0', 'full']),
    (['-U', '--preserve-credentials'], ['65534', '65534', '65534', 'CapEff:\t0000000000000000']),
    (['-U', '-S', '1000', '-G', '1000'], ['1000', '1000', '1000', 'CapEff:\t0000000000000000']),
    (['--user', '--uts', '--setuid', '7', '--setgid', '8'], ['7', '8', '8', 'CapEff:\t0000000000000000']),
    (['-U', '-S', '70000'], None),  # not mapped: both fail
    (['-U', '-G', '70000'], None),
]


@pytest.mark.parametrize('opts,lines', USER_CASES, ids=[' '.join(c[0]) for c in USER_CASES])
def test_user_namespace_credentials_like_util_linux(nsl, V, opts, lines):
    rc, out = compare(nsl, ['-t', str(V.pid)] + opts + ['sh', '-c', CREDS])
    if lines is None:
        assert rc == 'failed'
        return
    assert rc == 0
    got = out.split('\n')[:4]
    if lines[3] == 'full':  # every capability the kernel has: not zero, as util-linux
        assert got[3] != 'CapEff:\t0000000000000000'
        got[3] = 'full'
    assert got == lines


def test_user_namespace_entered_last_for_root(nsl, targets):
    # W's net and uts namespaces belong to the host's user namespace, its user
    # namespace is a child: entering the user namespace first would drop the
    # capabilities needed for the others (busybox and toybox fail here).
    w = targets(['unshare', '--net', '--uts', 'sh', '-c',
                 'hostname w; exec unshare --user --fork "$0" "$@"'])
    w.map_ids()
    assert ns_link(w.pid, 'user') != ns_link('self', 'user')
    rc, out = compare(nsl, ['-t', str(w.pid), '-U', '-n', '-u', 'sh', '-c', 'hostname; id -u'])
    assert (rc, out) == (0, 'w\n0\n')
    rc, out = compare(nsl, ['-t', str(w.pid), '-a', 'sh', '-c', 'hostname; id -u'])
    assert (rc, out) == (0, 'w\n0\n')
    # Through namespace files, one setns(2) each: here the order is all ours.
    files = ['-%s/proc/%d/ns/%s' % (o, w.pid, t) for o, t in (('U', 'user'), ('n', 'net'), ('u', 'uts'))]
    rc, out = compare(nsl, files + ['sh', '-c', 'hostname; id -u'])
    assert (rc, out) == (0, 'w\n0\n')


@pytest.fixture
def P(targets):
    """A rootless container of uid 65534: user + uts, setgroups deny."""
    return targets(as_nobody(['unshare', '-U', '-r', '-u', '--fork']), 'hostname p')


def test_unprivileged_owner_enters_its_own_namespaces(isobox, P):
    nsl = [isobox, 'nsenter-lite']
    args = ['-t', str(P.pid), '-U', '-u', '--preserve-credentials', 'sh', '-c', 'id -u; hostname']
    ours = run(as_nobody(nsl + args), check=0)
    theirs = run(as_nobody([NSENTER] + args), check=0)
    assert ours.stdout == theirs.stdout == '0\np\n'


def test_unprivileged_owner_without_preserve_credentials(isobox, P):
    # util-linux fails here ("setgroups failed": setgroups is "deny" inside);
    # a caller without supplementary groups has nothing to drop.
    p = run(as_nobody([isobox, 'nsenter-lite', '-t', str(P.pid), '-U', '-u', 'sh', '-c',
                       'id -u; id -g; hostname']), check=0)
    assert p.stdout == '0\n0\np\n'


def test_all_skips_the_shared_cgroup_namespace(isobox, P):
    # The rootless container shares our cgroup (and mount, pid...) namespaces:
    # util-linux -a re-enters them and gets EPERM; -a here enters only what differs.
    assert ns_link(P.pid, 'cgroup') == ns_link('self', 'cgroup')
    args = ['-t', str(P.pid), '-a', 'sh', '-c', 'hostname; readlink /proc/self/ns/uts /proc/self/ns/user']
    p = run(as_nobody([isobox, 'nsenter-lite', '--preserve-credentials'] + args), check=0)
    assert p.stdout == 'p\n%s\n%s\n' % (ns_link(P.pid, 'uts'), ns_link(P.pid, 'user'))
    theirs = run(as_nobody([NSENTER, '--preserve-credentials'] + args))
    assert theirs.returncode != 0 and 'Operation not permitted' in theirs.stderr


def test_all_does_not_fork_when_the_pid_namespace_is_shared(nsl, targets):
    t = targets(['unshare', '--uts', '--fork'], 'hostname u')
    p = run([nsl, '-t', str(t.pid), '-a', '-v', 'sh', '-c', 'hostname; echo $PPID'], check=0)
    assert p.stdout == 'u\n%d\n' % os.getpid()
    assert p.stderr == 'nsenter-lite: entering uts of process %d (pidfd)\n' % t.pid


# --- the target: missing, zombie, dying ---------------------------------------

def free_pid():
    with open('/proc/sys/kernel/pid_max') as f:
        top = int(f.read())
    return next(p for p in range(top - 1, 1, -1) if not os.path.exists('/proc/%d' % p))


def test_target_that_does_not_exist(nsl):
    pid = free_pid()
    p = run([nsl, '-t', str(pid), '-u', 'true'])
    assert one_line_error(p) == 'nsenter-lite: process %d: No such process\n' % pid
    assert run([NSENTER, '-t', str(pid), '-u', 'true']).returncode == 1


def test_zombie_target(nsl, targets):
    # The sleep never reaps the child the shell started before exec.
    t = targets(['unshare', '--uts'], 'hostname z; sleep 0 & true', walk=False)
    zombie = wait_for(lambda: [c for c in children(t.pid) if state(c) == 'Z'], 'a zombie')[0]
    for opts in (['-u'], ['-a'], ['-u', '-r']):
        p = run([nsl, '-t', str(zombie)] + opts + ['hostname'])
        assert one_line_error(p) == 'nsenter-lite: process %d has exited\n' % zombie
        assert run([NSENTER, '-t', str(zombie)] + opts + ['hostname']).returncode == 1


def test_target_exits_while_being_entered(nsl, T, tmp_path):
    # nsenter-lite blocks opening a FIFO given as a namespace file, after it
    # has the target's pidfd; the target dies meanwhile.
    fifo = tmp_path / 'fifo'
    os.mkfifo(fifo)
    p = subprocess.Popen([nsl, '-t', str(T.pid), '-u', '-n%s' % fifo, 'hostname'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def blocked():
            with open('/proc/%d/wchan' % p.pid) as f:
                return f.read() == 'wait_for_partner'
        wait_for(blocked, 'nsenter-lite to block on the FIFO')
        pid = T.pid
        T.kill()
        T.pid = None
        # As PID 1 of its namespace it is gone only once the namespace is empty.
        wait_for(lambda: state(pid) in (None, 'Z'), 'the target to exit')
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert (p.returncode, out) == (125, '')
    assert err == 'nsenter-lite: process %d has exited\n' % pid


def test_target_killed_at_random_moments(nsl, targets):
    # A kill started alongside: it lands before, during or after the entry.
    # Whatever the moment, COMMAND runs in the target's namespaces or not at all.
    for i in range(12):
        t = targets(['unshare', '--uts', '--net', '--ipc', '--fork'], 'hostname tgt')
        killer = subprocess.Popen(['kill', '-KILL', str(t.pid)])
        p = run([nsl, '-t', str(t.pid), '-u', '-n', '-i', 'hostname'])
        killer.wait(timeout=30)
        t.kill()
        t.pid = None
        if p.returncode == 0:
            assert p.stdout == 'tgt\n'
        else:
            err = one_line_error(p)
            assert 'has exited' in err or 'No such process' in err, err


def test_closed_stdin_still_enters(nsl, T):
    # util-linux 2.41-2.42.1 got pidfd 0 and silently entered nothing (PR#4412).
    p = run(['sh', '-c', 'exec 0<&-; exec "$@"', 'sh', nsl, '-t', str(T.pid), '-u', '-n', 'sh', '-c',
             'hostname; readlink /proc/self/ns/net'], check=0)
    assert p.stdout == 'tgt\n%s\n' % ns_link(T.pid, 'net')


# --- --pidfile -------------------------------------------------------------------

def test_pidfile(nsl, T, tmp_path):
    # A daemon's pidfile (ssd-isolate --isolate is not ready: an unshare target).
    pf = tmp_path / 'daemon.pid'
    pf.write_text('%d\n' % T.pid)
    os.chmod(pf, 0o644)
    p = run([nsl, '--pidfile', str(pf), '-a', 'sh', '-c', 'hostname; echo $$'], check=0)
    assert pid_class(p.stdout) == 'tgt\nsmall\n'


def test_pidfile_of_an_nsinit_container(nsl, applets, targets, tmp_path):
    # Until ssd-isolate --isolate writes pidfiles: a container nsinit started.
    t = targets([applets['nsinit'], '-p', '-m', '-u', '-i', '-n', '--'], 'hostname n')
    pf = tmp_path / 'daemon.pid'
    pf.write_text('%d\n' % t.pid)
    p = run([nsl, '--pidfile', str(pf), '-a', 'sh', '-c', 'hostname; ps -o pid=,comm= -p 1'], check=0)
    assert p.stdout.split() == ['n', '1', 'nsinit']


@pytest.mark.parametrize('content,mode,owner,error', [
    ('{pid}\n', 0o666, 0, 'refusing world-writable pidfile {f}'),
    ('{pid}\n', 0o644, 1234, 'refusing pidfile {f} owned by neither root nor the caller'),
    ('garbage\n', 0o644, 0, 'no PID in pidfile {f}'),
    ('', 0o644, 0, 'no PID in pidfile {f}'),
    ('-5\n', 0o644, 0, 'no PID in pidfile {f}'),
    (None, 0, 0, 'pidfile {f} does not exist'),
])
def test_bad_pidfile(nsl, T, tmp_path, content, mode, owner, error):
    pf = tmp_path / 'daemon.pid'
    if content is not None:
        pf.write_text(content.format(pid=T.pid))
        os.chmod(pf, mode)
        os.chown(pf, owner, owner)
    p = run([nsl, '--pidfile', str(pf), '-u', 'hostname'])
    assert one_line_error(p) == 'nsenter-lite: %s\n' % error.format(f=pf)


# --- signals -----------------------------------------------------------------------

@pytest.mark.parametrize('sig', ['HUP', 'INT', 'QUIT', 'TERM', 'USR1', 'USR2', 'WINCH'])
def test_signals_are_forwarded_to_the_forked_child(nsl, T, sig):
    script = 'trap "echo got %s; exit 3" %s; echo ready; while :; do sleep 0.05; done' % (sig, sig)
    p = subprocess.Popen([nsl, '-t', str(T.pid), '-p', '-m', 'sh', '-c', script],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert read_line(p.stdout) == 'ready\n'
        p.send_signal(getattr(signal, 'SIG' + sig))
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert (p.returncode, out, err) == (3, 'got %s\n' % sig, '')


def test_term_kills_a_child_without_handler(nsl, T):
    p = subprocess.Popen([nsl, '-t', str(T.pid), '-p', 'sh', '-c', 'echo ready; exec sleep 1000'],
                         stdout=subprocess.PIPE, text=True)
    assert read_line(p.stdout) == 'ready\n'
    p.terminate()
    assert p.wait(timeout=30) == 128 + signal.SIGTERM
    p.stdout.close()


def test_stop_and_continue_are_mirrored(nsl, T):
    p = subprocess.Popen([nsl, '-t', str(T.pid), '-p', 'sh', '-c',
                          'echo ready; kill -STOP $$; echo resumed'],
                         stdout=subprocess.PIPE, text=True)
    try:
        assert read_line(p.stdout) == 'ready\n'
        wait_for(lambda: state(p.pid) == 'T', 'nsenter-lite to stop with its child')
        os.kill(p.pid, signal.SIGCONT)
        assert read_line(p.stdout) == 'resumed\n'
        assert p.wait(timeout=30) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()


# --- what util-linux 2.38 does not have ----------------------------------------------

def test_env_takes_the_targets_environment(nsl, targets):
    # A first entry of 1000 bytes, on which util-linux's parser read past the
    # data: exactly the target's entries come out, none lost, none invented.
    long_value = 'x' * 995
    theirs = ['FIRST=' + long_value, 'A=1', 'B=22', 'PATH=/usr/bin:/bin', MARK + '=' + MARK_VALUE]
    t = targets(['env', '-i'] + theirs + ['unshare', '--uts', '--fork'], 'hostname e')
    p = run([nsl, '-t', str(t.pid), '-u', '-e', 'env'], check=0, env=dict(os.environ, OURS='1'))
    env = [x for x in p.stdout.split('\n')[:-1] if x != 'PWD=/']  # sh may add PWD
    assert sorted(env) == sorted(theirs)


def test_no_command_runs_shell_or_bin_sh(nsl, T, tmp_path):
    shell = tmp_path / 'myshell'
    shell.write_text('#!/bin/sh\necho "shell $0"; hostname\n')
    shell.chmod(0o755)
    p = run([nsl, '-t', str(T.pid), '-u'], env=dict(os.environ, SHELL=str(shell)), check=0)
    assert p.stdout == 'shell %s\ntgt\n' % shell
    # Started as a login shell, as util-linux does.
    env = dict(os.environ)
    env.pop('SHELL', None)
    p = run([nsl, '-t', str(T.pid), '-u'], env=env, input='echo "$0"; hostname\n', check=0)
    assert p.stdout.endswith('-sh\ntgt\n')


def test_verbose(nsl, T):
    p = run([nsl, '-v', '-t', str(T.pid), '-u', '-p', 'true'], check=0)
    lines = p.stderr.split('\n')
    assert lines[0] == 'nsenter-lite: entering uts pid of process %d (pidfd)' % T.pid
    assert lines[1].startswith('nsenter-lite: forked COMMAND as process ')


def test_help_and_version(nsl):
    p = run([nsl, '--help'], check=0)
    assert p.stdout.startswith('Usage: nsenter-lite [OPTIONS] [COMMAND [ARGS...]]\n')
    for opt in ('--target', '--pidfile', '--all', '--root', '--wd', '--setuid', '--setgid',
                '--preserve-credentials', '--no-fork', '--env', '--time', '--cgroup'):
        assert opt in p.stdout
    assert run([nsl, '-V'], check=0).stdout == run([nsl, '--version'], check=0).stdout


# --- bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize('args,error', [
    (['-x'], "unknown option '-x'"),
    (['--frob'], "unknown option '--frob'"),
    (['-t'], "option requires an argument '-t'"),
    (['-t', 'abc', '-u'], "invalid value 'abc' for -t"),
    (['-t', '0', '-u'], "invalid value '0' for -t"),
    (['-t', '-5', '-u'], "invalid value '-5' for -t"),
    (['-t', '99999999999', '-u'], "invalid value '99999999999' for -t"),
    (['-t', '{pid}', '-u', '-S', 'root'], "invalid value 'root' for -S"),
    (['-t', '{pid}', '-u', '--setgid=-1'], "invalid value '-1' for --setgid"),
    (['-t', '{pid}', '--all=x'], "option takes no argument '--all'"),
    (['-t', '{pid}', 'true'], 'no namespace given (-a, -m, -u, -i, -n, -p, -U, -C or -T)'),
    (['-u', 'true'], 'no target: give -t PID or --pidfile FILE'),
    (['-a', 'true'], 'no target: give -t PID or --pidfile FILE'),
    (['-u/dev/null', '-r', 'true'], 'no target: give -t PID or --pidfile FILE'),
    (['-u/nonexistent', 'true'], 'cannot open the uts namespace /nonexistent: No such file or directory'),
    (['-u/etc/passwd', 'true'], 'cannot enter the uts namespace /etc/passwd: Invalid argument'),
    (['-t', '{pid}', '-u', '-r/nonexistent', 'true'], 'cannot open /nonexistent: No such file or directory'),
    (['-t', '{pid}', '-u', '-w/etc/passwd', 'true'], 'cannot open /etc/passwd: Not a directory'),
])
def test_bad_input(nsl, T, args, error):
    p = run([nsl] + [a.format(pid=T.pid) for a in args])
    assert one_line_error(p) == 'nsenter-lite: %s\n' % error
