"""nsinit: exit codes, signal forwarding, reaping, notify fd, shutdown,
namespace mode. Each behaviour runs with nsinit as a subreaper in the host
PID namespace and as PID 1 of a new one (-p), where it applies."""
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, as_nobody, children, run, state

PY = '/usr/bin/python3'
PRINTER = os.path.join(ROOT, 'tests', 'helpers', 'sigprinter.py')
MODES = {'subreaper': [], 'pidns': ['-p']}


@pytest.fixture(params=sorted(MODES))
def mode(request):
    return MODES[request.param]


def wait_for(cond, timeout=10, step=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(step)
    raise AssertionError('timed out waiting for condition')


def inner_pid(outer, ns_args):
    """The nsinit that runs the reaper: the outer one, or its child with -p."""
    if not ns_args:
        return outer
    return wait_for(lambda: (children(outer) or [None])[0])


# --- exit status ------------------------------------------------------------

def test_exit_codes_0_to_255_pass_through(applets, mode):
    script = 'for i in $(seq 0 255); do %s %s sh -c "exit $i"; echo $?; done' % (
        applets['nsinit'], ' '.join(mode))
    p = run(['sh', '-c', script], timeout=120, check=0)
    assert p.stdout.split() == [str(i) for i in range(256)]
    assert p.stderr == ''


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT,
                                 signal.SIGKILL, signal.SIGSEGV])
def test_self_kill_gives_128_plus_n(applets, mode, sig):
    p = run([applets['nsinit']] + mode + [PY, '-c', 'import os; os.kill(os.getpid(), %d)' % sig])
    assert p.returncode == 128 + sig


def test_not_found_and_not_executable(applets, mode, tmp_path):
    p = run([applets['nsinit']] + mode + ['/nonexistent/cmd'])
    assert p.returncode == 127
    assert p.stderr == "nsinit: cannot execute '/nonexistent/cmd': No such file or directory\n"
    p = run([applets['nsinit']] + mode + ['no-such-command-xyz'])
    assert p.returncode == 127
    f = tmp_path / 'script'
    f.write_text('#!/bin/sh\n')
    os.chmod(f, 0o644)
    p = run([applets['nsinit']] + mode + [str(f)])
    assert p.returncode == 126 and 'Permission denied' in p.stderr
    p = run([applets['nsinit']] + mode + [str(tmp_path)])
    assert p.returncode == 126


def test_path_search_and_arguments(applets, mode):
    p = run([applets['nsinit']] + mode + ['printf', '%s|', 'a b', '', '-x', '--'], check=0)
    assert p.stdout == 'a b||-x|--|'


def test_stdin_passes_through(applets, mode):
    p = run([applets['nsinit']] + mode + ['sh'], input='echo hi; exit 3\n')
    assert (p.returncode, p.stdout) == (3, 'hi\n')


def test_cwd_nsinit_in_root_child_keeps_callers(applets, tmp_path):
    p = run([applets['nsinit'], 'sh', '-c', 'readlink /proc/$PPID/cwd; pwd -P'],
            cwd=str(tmp_path), check=0)
    assert p.stdout.split() == ['/', str(tmp_path)]


# --- signals ------------------------------------------------------------------

class Printer:
    def __init__(self, argv, **kw):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1, **kw)
        line = self.p.stdout.readline()
        assert line.startswith('ready'), line
        self.pid = int(line.split()[1])

    def expect(self, text):
        line = self.p.stdout.readline().strip()
        assert line == text
        return line

    def send(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()

    def close(self, code=0):
        self.send('exit %d' % code)
        self.p.stdin.close()
        rc = self.p.wait(timeout=20)
        self.p.stdout.close()
        return rc


FORWARDED = [s for s in range(1, 32) if s not in (signal.SIGKILL, signal.SIGSTOP,
                                                     signal.SIGCHLD, signal.SIGTERM)]


def test_every_signal_from_outside_reaches_command(applets, mode):
    pr = Printer([applets['nsinit']] + mode + [PY, PRINTER])
    targets = [pr.p.pid]
    if mode:
        targets.append(inner_pid(pr.p.pid, mode))  # the inner nsinit, host side
    for target in targets:
        for sig in FORWARDED:
            os.kill(target, sig)
            pr.expect('sig %d' % sig)
            assert state(target) not in ('T', 't', None)
    assert pr.close(9) == 9


def test_every_signal_from_inside_kill_1_reaches_command(applets):
    pr = Printer([applets['nsinit'], '-p', PY, PRINTER])
    for sig in FORWARDED:
        pr.send('kill1 %d' % sig)
        got = {pr.p.stdout.readline().strip(), pr.p.stdout.readline().strip()}
        assert got == {'sig %d' % sig, 'sent %d' % sig}
    assert pr.close(0) == 0


def test_job_control_signals_never_stop_nsinit(applets, mode):
    pr = Printer([applets['nsinit']] + mode + [PY, PRINTER])
    inner = inner_pid(pr.p.pid, mode)
    for sig in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
        os.kill(inner, sig)
        pr.expect('sig %d' % sig)
        time.sleep(0.05)
        assert state(inner) == 'S' and state(pr.p.pid) == 'S'
    assert pr.close(0) == 0


def test_fault_signals_sent_with_kill_are_forwarded(applets, mode):
    pr = Printer([applets['nsinit']] + mode + [PY, PRINTER])
    inner = inner_pid(pr.p.pid, mode)
    for sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE,
                signal.SIGABRT, signal.SIGTRAP, signal.SIGSYS):
        os.kill(inner, sig)
        pr.expect('sig %d' % sig)
    assert pr.close(0) == 0


def test_pgroup_forwards_to_the_whole_group(applets, tmp_path):
    t0 = time.monotonic()
    p = subprocess.Popen([applets['nsinit'], '-g', 'sh', '-c', 'sleep 30; exit 0'])
    wait_for(lambda: len(children(children(p.pid)[0] if children(p.pid) else 0)) == 1)
    os.kill(p.pid, signal.SIGUSR1)
    assert p.wait(timeout=20) == 128 + signal.SIGUSR1
    assert time.monotonic() - t0 < 10


def test_caller_blocked_and_ignored_signals_reach_command(applets):
    wrapper = ('import os, signal, sys\n'
               'for s in (signal.SIGTTOU, signal.SIGSEGV, signal.SIGINT, signal.SIGUSR2):\n'
               '    signal.signal(s, signal.SIG_IGN)\n'
               'signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTTIN, signal.SIGILL, signal.SIGTERM,'
               ' signal.SIGHUP])\n'
               'os.execvp(sys.argv[1], sys.argv[1:])\n')
    cat = ['cat', '/proc/self/status']

    def masks(argv):
        out = run([PY, '-c', wrapper] + argv, check=0).stdout
        return [line for line in out.splitlines() if line.startswith(('SigBlk', 'SigIgn', 'SigCgt'))]

    direct = masks(cat)
    assert masks([applets['nsinit']] + cat) == direct
    assert masks([applets['nsinit'], '-p'] + cat) == direct
    # The oracle really has something in it.
    assert any(line.startswith('SigBlk') and line.split()[1] != '0' * 16 for line in direct)


# --- reaping ------------------------------------------------------------------

def test_thousand_orphans_reaped_and_nsinit_waits_for_the_last(applets, mode):
    script = 'for i in $(seq 999); do sleep 0.2 & done; sleep 3 & exit 5'
    t0 = time.monotonic()
    p = subprocess.Popen([applets['nsinit']] + mode + ['sh', '-c', script])
    inner = inner_pid(p.pid, mode)

    def settled():
        kids = children(inner)
        zombies = [k for k in kids if state(k) == 'Z']
        return len(kids) == 1 and not zombies and kids
    kids = wait_for(settled, timeout=20)
    assert p.poll() is None  # still there for the last orphan
    assert len(kids) == 1
    assert p.wait(timeout=30) == 5
    assert time.monotonic() - t0 >= 2.5


def test_orphans_do_not_change_the_status(applets, mode):
    p = run([applets['nsinit']] + mode + ['sh', '-c', '(sleep 0.3; exit 9) & exit 0'])
    assert p.returncode == 0


def notify_run(applets, mode, script):
    r, w = os.pipe()
    t0 = time.monotonic()
    p = subprocess.Popen([applets['nsinit']] + mode + ['--notify-fd', str(w), 'sh', '-c', script],
                         pass_fds=[w])
    os.close(w)
    with os.fdopen(r, 'rb') as f:
        data = f.read()  # until EOF
    return p, data, time.monotonic() - t0


def test_double_fork_daemon_notify_then_wait(applets, mode):
    p, data, took = notify_run(applets, mode, '(sleep 2 >/dev/null 2>&1 &); exit 0')
    assert data == b'exit 0\n'
    assert took < 1.5  # at the moment COMMAND exits, EOF right after
    assert p.poll() is None  # the daemon keeps running under nsinit
    inner = inner_pid(p.pid, mode)

    def daemon_is_sleep():
        kids = children(inner)
        if len(kids) != 1:
            return False
        with open('/proc/%d/cmdline' % kids[0], 'rb') as f:
            return f.read().split(b'\0')[0] == b'sleep'
    wait_for(daemon_is_sleep)
    # The daemon never inherited the notify fd (we saw EOF), and nsinit exits
    # when it does, with COMMAND's status.
    assert p.wait(timeout=10) == 0


def test_failing_daemon_reports_its_status(applets, mode):
    p, data, _ = notify_run(applets, mode, 'exit 3')
    assert data == b'exit 3\n'
    assert p.wait(timeout=10) == 3
    p, data, _ = notify_run(applets, mode, 'kill -KILL $$')
    assert data == b'signal 9\n'
    assert p.wait(timeout=10) == 137


def test_exec_failure_is_reported_on_notify_fd(applets, mode):
    r, w = os.pipe()
    p = subprocess.Popen([applets['nsinit']] + mode + ['--notify-fd', str(w), '/nonexistent'],
                         pass_fds=[w], stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r, 'rb') as f:
        assert f.read() == b'exit 127\n'
    assert p.wait(timeout=10) == 127


# --- shutdown -------------------------------------------------------------------

def test_sigterm_shutdown_command_dies_of_term(applets, mode):
    p = subprocess.Popen([applets['nsinit']] + mode + ['sleep', '30'])
    wait_for(lambda: children(inner_pid(p.pid, mode)))
    os.kill(p.pid, signal.SIGTERM)
    assert p.wait(timeout=10) == 143


def test_sigterm_shutdown_kills_term_ignoring_child_after_grace(applets, mode):
    p = subprocess.Popen([applets['nsinit'], '--grace', '1'] + mode +
                         ['sh', '-c', 'trap "" TERM; sleep 30 & wait'])
    inner = inner_pid(p.pid, mode)
    wait_for(lambda: children(inner) and children(children(inner)[0]))
    t0 = time.monotonic()
    os.kill(p.pid, signal.SIGTERM)
    rc = p.wait(timeout=10)
    took = time.monotonic() - t0
    assert rc == 137
    assert 0.9 <= took < 4


def test_exit_with_child_terms_the_rest(applets, mode):
    t0 = time.monotonic()
    p = run([applets['nsinit'], '--exit-with-child', '--grace', '2'] + mode +
            ['sh', '-c', 'sleep 30 & sleep 0.2; exit 4'])
    assert p.returncode == 4
    assert time.monotonic() - t0 < 5


def test_without_exit_with_child_nsinit_stays(applets, mode):
    t0 = time.monotonic()
    p = run([applets['nsinit']] + mode + ['sh', '-c', 'sleep 1 & exit 4'])
    assert p.returncode == 4 and time.monotonic() - t0 >= 0.9


def test_sigkill_of_outer_nsinit_kills_the_namespace(applets):
    r, w = os.pipe()
    p = subprocess.Popen([applets['nsinit'], '-p', '--notify-fd', str(w), 'sh', '-c',
                          'sleep 60 & sleep 60'], pass_fds=[w])
    os.close(w)
    inner = inner_pid(p.pid, ['-p'])
    wait_for(lambda: len(children(inner)) == 1 and len(children(children(inner)[0])) == 2)
    victims = [inner] + children(inner) + children(children(inner)[0])
    os.kill(p.pid, signal.SIGKILL)
    assert p.wait(timeout=10) == -signal.SIGKILL
    with os.fdopen(r, 'rb') as f:
        assert f.read() == b''  # EOF, no message: nsinit died
    wait_for(lambda: all(state(v) is None for v in victims))


def test_sigkill_of_inner_nsinit_kills_the_namespace(applets):
    r, w = os.pipe()
    p = subprocess.Popen([applets['nsinit'], '-p', '--notify-fd', str(w), 'sleep', '60'],
                         pass_fds=[w])
    os.close(w)
    inner = inner_pid(p.pid, ['-p'])
    wait_for(lambda: children(inner))
    os.kill(inner, signal.SIGKILL)
    assert p.wait(timeout=10) == 137
    with os.fdopen(r, 'rb') as f:
        assert f.read() == b''


# --- namespace mode ---------------------------------------------------------------

def test_namespace_mode_pid_1_and_private_proc(applets):
    p = run([applets['nsinit'], '-p', '-m', 'sh', '-c',
             'echo $PPID; readlink /proc/1/exe; ls /proc | grep -c "^[0-9]"; echo $$'], check=0)
    ppid, exe, nprocs, me = p.stdout.split()
    assert ppid == '1'  # nsinit is PID 1 inside; COMMAND is its child
    assert os.path.realpath(exe) == os.path.realpath(applets['nsinit'])
    assert int(nprocs) <= 4  # nsinit, sh, and the pipeline
    assert me == '2'


def test_namespace_mode_hostname_stays_inside(applets):
    before = os.uname().nodename
    p = run([applets['nsinit'], '-u', 'sh', '-c', 'hostname inside-ns; hostname'], check=0)
    assert p.stdout == 'inside-ns\n'
    assert os.uname().nodename == before


def test_namespace_mode_lo_is_up_and_alone(applets):
    # /proc/net is per network namespace (/sys stays the host's sysfs).
    p = run([applets['nsinit'], '-n', 'sh', '-c', 'tail -n +3 /proc/net/dev | cut -d: -f1; '
             'ip -o link show lo'], check=0)
    lines = p.stdout.splitlines()
    assert [x.strip() for x in lines[:-1]] == ['lo']
    assert ',UP,' in lines[-1] or '<LOOPBACK,UP' in lines[-1]
    p = run([applets['nsinit'], '-n', PY, '-c',
             'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); '
             'c=socket.create_connection(s.getsockname()); print("ok")'], check=0)
    assert p.stdout == 'ok\n'


def test_namespace_mode_ipc_and_mounts_private(applets):
    p = run([applets['nsinit'], '-p', '-m', '-i', 'sh', '-c',
             'touch /dev/shm/isobox-test-marker; ls /dev/shm; grep -c " /proc proc" /proc/self/mounts'],
            check=0)
    assert p.stdout.split()[0] == 'isobox-test-marker'
    assert not os.path.exists('/dev/shm/isobox-test-marker')


def test_namespace_mode_all(applets):
    p = run([applets['nsinit'], '-a', 'sh', '-c', 'echo $PPID; tail -n +3 /proc/net/dev | cut -d: -f1'],
            check=0)
    assert p.stdout.split() == ['1', 'lo']


def test_namespace_mode_time_and_cgroup(applets):
    def ns(kind, cmd=()):
        return run(list(cmd) + ['readlink', '/proc/self/ns/' + kind], check=0).stdout
    for opt, kind in (('-T', 'time'), ('-C', 'cgroup')):
        inside = run([applets['nsinit'], opt, 'readlink', '/proc/self/ns/' + kind], check=0).stdout
        assert inside.startswith(kind + ':[') and inside != ns(kind)


def test_namespace_mode_unprivileged_with_user_ns(applets, world_tmp):
    p = run(as_nobody([applets['nsinit'], '-U', '-p', '-m', '-u', '-n', 'sh', '-c',
                       'id -u; echo $PPID; ls /proc | grep -c "^[0-9]"']), check=0)
    uid, ppid, nprocs = p.stdout.split()
    assert (uid, ppid) == ('65534', '1') and int(nprocs) <= 4
    before = os.uname().nodename
    p = run(as_nobody([applets['nsinit'], '-U', '--map-root', '-p', '-m', '-u', 'sh', '-c',
                       'id -u; hostname x; hostname']), check=0)
    assert p.stdout.split() == ['0', 'x']
    assert os.uname().nodename == before
    p = run(as_nobody([applets['nsinit'], '-p', 'true']))
    assert p.returncode == 125 and p.stderr.startswith('nsinit: cannot create namespaces')


def test_namespace_mode_relays_signals_and_status(applets):
    pr = Printer([applets['nsinit'], '-p', '-m', PY, PRINTER])
    os.kill(pr.p.pid, signal.SIGUSR1)
    pr.expect('sig %d' % signal.SIGUSR1)
    assert pr.close(42) == 42


def test_poweroff_and_reboot_end_a_pid_namespace(applets):
    # reboot(2) from PID 1 of a PID namespace ends the namespace: its parent
    # sees SIGINT for power-off and SIGHUP for reboot (pid_namespaces(7)).
    p = run([applets['nsinit'], '-p', '--poweroff', 'true'])
    assert p.returncode == 128 + signal.SIGINT
    p = run([applets['nsinit'], '-p', '--reboot', 'sh', '-c', 'exit 3'])
    assert p.returncode == 128 + signal.SIGHUP
    # Not PID 1: a plain exit with COMMAND's status.
    p = run([applets['nsinit'], '--poweroff', 'sh', '-c', 'exit 3'])
    assert p.returncode == 3


def test_verbose_says_what_happens(applets):
    p = run([applets['nsinit'], '-v', 'sh', '-c', 'exit 2'])
    assert p.returncode == 2
    assert 'nsinit: spawned COMMAND, pid ' in p.stderr
    assert 'nsinit: COMMAND exited, status 2' in p.stderr


# --- bad input ------------------------------------------------------------------

@pytest.mark.parametrize('args,text', [
    (['--frob', 'touch'], "unknown option '--frob'"),
    (['-Z', 'touch'], "unknown option '-Z'"),
    ([], 'missing COMMAND'),
    (['-p'], 'missing COMMAND'),
    (['--grace', 'x', 'touch'], "bad --grace 'x'"),
    (['--grace', '-1', 'touch'], "bad --grace '-1'"),
    (['--notify-fd', 'x', 'touch'], "bad --notify-fd 'x'"),
    (['--notify-fd', '57', 'touch'], 'bad --notify-fd 57: Bad file descriptor'),
    (['--notify-fd', '1', 'touch'], "bad --notify-fd '1': want a descriptor >= 3"),
    (['--map-root', 'touch'], '--map-root needs -U'),
    (['--grace'], "option requires an argument '--grace'"),
])
def test_bad_input(applets, tmp_path, args, text):
    marker = tmp_path / 'started'
    argv = [applets['nsinit']] + args
    if argv[-1] == 'touch':
        argv.append(str(marker))
    p = run(argv)
    assert p.returncode == 125
    assert p.stdout == ''
    assert p.stderr.startswith('nsinit: ') and text in p.stderr and p.stderr.count('\n') == 1
    assert not marker.exists()


# --- terminal -------------------------------------------------------------------

def on_pty(code):
    """Run python code as the session leader of a new pty; return its output."""
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(PY, [PY, '-c', code])
    return drain_pty(pid, fd).decode()


def drain_pty(pid, fd, out=b''):
    """Read the pty master until the session ends; reap its leader."""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(fd)
    os.waitpid(pid, 0)
    return out


PGROUP_PROBE = '''
import os, subprocess, sys, time
fg = os.tcgetpgrp(0)
p = subprocess.Popen([%r, '-g', 'sleep', '0.6'], preexec_fn=%s)
time.sleep(0.3)
now = os.tcgetpgrp(0)
kids = open('/proc/%%d/task/%%d/children' %% (p.pid, p.pid)).read().split()
print('caller' if now == fg else 'command' if [str(now)] == kids else 'other', flush=True)
p.wait()
'''


def test_pgroup_takes_the_terminal_only_from_the_foreground(applets):
    fore = on_pty(PGROUP_PROBE % (applets['nsinit'], 'None'))
    assert fore.split() == ['command']
    back = on_pty(PGROUP_PROBE % (applets['nsinit'], 'lambda: os.setpgid(0, 0)'))
    assert back.split() == ['caller']


# --- found in review ------------------------------------------------------------

def test_ignored_sigchld_of_the_caller_neither_hangs_nor_loses_status(applets, mode):
    def ign():
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for extra in ([], ['-m']) if mode else ([],):
        p = subprocess.Popen([applets['nsinit']] + mode + extra + ['sh', '-c', 'exit 3'],
                             preexec_fn=ign)
        assert p.wait(timeout=20) == 3
        p = subprocess.Popen([applets['nsinit']] + mode + extra + ['grep', 'SigIgn', '/proc/self/status'],
                             preexec_fn=ign, stdout=subprocess.PIPE, text=True)
        out, _ = p.communicate(timeout=20)
        assert int(out.split()[1], 16) & (1 << (signal.SIGCHLD - 1))  # still ignored for COMMAND


def test_notify_reader_gone_does_not_kill_the_daemon(applets, mode):
    r, w = os.pipe()
    os.close(r)
    t0 = time.monotonic()
    p = subprocess.Popen([applets['nsinit']] + mode + ['--notify-fd', str(w), 'sh', '-c',
                         'sleep 1.5 & sleep 0.2; exit 0'], pass_fds=[w])
    os.close(w)
    assert p.wait(timeout=20) == 0
    assert time.monotonic() - t0 >= 1.4  # the orphan lived on


def test_realtime_signals_are_forwarded_too(applets, mode):
    code = ('import os, signal, sys\n'
            'for s in range(34, 65): signal.signal(s, lambda n, f: os.write(1, b"rt %d\\n" % n))\n'
            'os.write(1, b"ready\\n")\n'
            'sys.stdin.read()\n')
    p = subprocess.Popen([applets['nsinit']] + mode + [PY, '-c', code], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, bufsize=1)
    assert p.stdout.readline() == 'ready\n'
    inner = inner_pid(p.pid, mode)
    for sig in (34, 35, 50, 64):
        os.kill(inner, sig)
        assert p.stdout.readline() == 'rt %d\n' % sig
    p.stdin.close()
    assert p.wait(timeout=20) == 0
    p.stdout.close()


def test_shutdown_sends_term_to_command_once(applets, mode):
    pr = Printer([applets['nsinit'], '--grace', '1'] + mode + [PY, PRINTER])
    os.kill(pr.p.pid, signal.SIGTERM)
    pr.expect('sig 15')
    time.sleep(0.3)
    pr.send('exit 0')
    rest = pr.p.stdout.read()
    assert rest == ''
    assert pr.p.wait(timeout=20) == 0




def test_terminal_signal_reaches_command_once(applets, mode):
    # The tty (not kill(2)) sends to the foreground group: write ^C to the pty.
    import pty
    code = ('import os, subprocess, sys, time\n'
            'p = subprocess.Popen(%r, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)\n'
            'assert p.stdout.readline().startswith("ready")\n'
            'print("READY", flush=True)\n'
            'time.sleep(1.0)\n'
            'p.stdin.write("exit 0\\n"); p.stdin.flush()\n'
            'print("GOT", p.stdout.read().split(), flush=True)\n'
            'p.wait()\n') % ([applets['nsinit']] + mode + [PY, PRINTER],)
    pid, fd = pty.fork()
    if pid == 0:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.execv(PY, [PY, '-c', code])
    out = b''
    while b'READY' not in out:
        out += os.read(fd, 4096)
    os.write(fd, b'\x03')
    out = drain_pty(pid, fd, out)
    got = out.decode().split('GOT', 1)[1]
    assert got.count("'sig'") == 1 and "'2'" in got, got
