"""ssd-isolate against dpkg's start-stop-daemon (the oracle), case by case:
exit code, stdout, stderr (program name normalised) and effects (pidfile
content and mode, daemon running or not). Then --isolate.

Daemons are private copies of /bin/sleep (or scripts exec'ing them) in
tmp_path; only processes whose executable is such a copy are ever matched
or killed. shared/reference/start-stop-daemon.md §3.4 lists the oracle cases.
"""
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
import uuid

import pytest

from conftest import ISOBOX, VARIANT, as_nobody, run, tool

SSD = '/usr/sbin/start-stop-daemon'
# Unique per run: other sessions on this machine may match by name.
TAG = uuid.uuid4().hex[:8]
NAME = 'ssdt' + TAG
TERMIGNORE = 'ti' + TAG
NOTIFIER_NAME = 'nt' + TAG
NOBODY_NAME = 'nx' + TAG  # no process has it

# Cases where we deliberately differ from dpkg 1.21.22 (docs/ssd-isolate.8,
# COMPATIBILITY); each is checked against its own expectation instead.
DELIBERATE = {
    'retry_trailing_slash': "dpkg hits an internal assertion; we say 'invalid schedule item'",
    'notify_extend_usec': 'dpkg reads EXTEND_TIMEOUT_USEC as milliseconds x 1000',
    'pidfile_zero_negative_overflow': "dpkg takes PID 0 or -N from a pidfile and signals a process group",
    'verbose_start': 'dpkg 1.21 loses verbose lines before exec when stdout is a pipe',
}


def wait_for(cond, timeout=20.0, what='condition'):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError('timed out waiting for ' + what)
        time.sleep(0.02)


def same_file(a, b):
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def pids_running(exe):
    """Host pids whose executable is exe (a private copy), zombies excluded."""
    out = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            if not same_file('/proc/%s/exe' % pid, exe):
                continue
            with open('/proc/%s/stat' % pid) as f:
                if f.read().rsplit(')', 1)[1].split()[0] == 'Z':
                    continue
        except OSError:
            continue
        out.append(int(pid))
    return sorted(out)


class Env:
    """A scratch world for one implementation: a daemon binary, a pidfile
    directory, helper scripts."""

    def __init__(self, base):
        self.dir = str(base)
        os.makedirs(self.dir, exist_ok=True)
        self.D = os.path.join(self.dir, NAME)
        shutil.copy('/bin/sleep', self.D)
        self.run = os.path.join(self.dir, 'run')
        os.mkdir(self.run)
        self.P = os.path.join(self.run, 'd.pid')
        self.T = self.script(TERMIGNORE, "trap '' TERM\nexec %s 1000\n" % self.D)
        self.N = self.script(NOTIFIER_NAME, '', python=True)
        self.empty = os.path.join(self.dir, 'empty')
        os.mkdir(self.empty)

    def script(self, name, body, python=False):
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            if python:
                f.write(NOTIFIER)
            else:
                f.write('#!/bin/sh\n' + body)
        os.chmod(path, 0o755)
        return path

    def pidfile_pid(self):
        try:
            with open(self.P) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def wait_started(self):
        """dpkg's (and our) --start -b returns before the daemon has exec'd:
        wait until the pidfile's pid is the daemon (else a second --start would
        legitimately not see it)."""
        wait_for(lambda: self.pidfile_pid() and same_file('/proc/%d/exe' % self.pidfile_pid(), self.D),
                 what='daemon exec')

    def cleanup(self):
        for _ in range(50):
            pids = pids_running(self.D)
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)


# Daemons started with -b are orphans; the machine's PID 1 may take seconds
# to reap them, and a zombie still counts as running for start-stop-daemon.
# So every command runs under this small child subreaper, which reaps every
# orphan at once: results then do not depend on how fast init is.
SUBREAPER = r'''
import ctypes, json, os, subprocess, sys, threading, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
lock, current = threading.Lock(), [0]
def reap():
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            time.sleep(0.01)
            continue
        with lock:
            if info.si_pid != current[0]:
                try:
                    os.waitpid(info.si_pid, 0)
                except ChildProcessError:  # the command, reaped by communicate()
                    pass
                continue
        time.sleep(0.005)
threading.Thread(target=reap, daemon=True).start()
for line in sys.stdin:
    argv, exe, timeout = json.loads(line)
    t0 = time.monotonic()
    with lock:
        p = subprocess.Popen(argv, executable=exe, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        current[0] = p.pid
    out, err = p.communicate(timeout=timeout)
    with lock:
        current[0] = 0
    print(json.dumps([p.returncode, out, err, time.monotonic() - t0]), flush=True)
'''


class Reaper:
    def __init__(self):
        self.p = subprocess.Popen(['/usr/bin/python3', '-c', SUBREAPER], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

    def run(self, argv, exe, timeout):
        self.p.stdin.write(json.dumps([argv, exe, timeout]) + '\n')
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


NOTIFIER = '''#!/usr/bin/python3
import os, socket, sys, time
null = os.open('/dev/null', os.O_RDWR)
for fd in 0, 1, 2:
    os.dup2(null, fd)
time.sleep(float(sys.argv[1]))
for m in sys.argv[2:]:
    if m.startswith('sleep='):
        time.sleep(float(m[6:]))
        continue
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect(os.environ['NOTIFY_SOCKET'])
    s.send(m.encode())
time.sleep(30)
'''


MUSL_STRERROR = {'Symbolic link loop': 'Too many levels of symbolic links'}


class Runner:
    """Runs one implementation in one Env and records what a user sees."""

    def __init__(self, prog, env, reaper=None):
        self.prog, self.env, self.log, self.reaper = prog, env, [], reaper

    def argv0(self):
        return 'start-stop-daemon' if self.prog == SSD else 'ssd-isolate'

    def norm(self, text):
        e = self.env
        text = text.replace(e.dir, 'DIR')
        # musl and glibc word a few errno strings differently.
        for musl, glibc in MUSL_STRERROR.items():
            text = text.replace(musl, glibc)
        text = re.sub(r'^%s:' % self.argv0(), 'PROG:', text, flags=re.M)
        text = text.replace("'%s --help'" % self.argv0(), "'PROG --help'")
        text = re.sub(r'(pid|to|kill)( \d+)+', lambda m: m.group(1) + ' PID', text)
        return text

    def __call__(self, *args, timeout=60, **kw):
        e = self.env
        argv = [a.format(D=e.D, P=e.P, T=e.T, N=e.N, DIR=e.dir, E=e.empty) for a in args]
        exe = SSD if self.prog == SSD else ISOBOX
        if self.reaper:
            rc, out, err, self.elapsed = self.reaper.run([self.argv0()] + argv, exe, timeout)
            p = subprocess.CompletedProcess(argv, rc, out, err)
        else:
            t0 = time.monotonic()
            p = subprocess.run([self.argv0()] + argv, executable=exe, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)
            self.elapsed = time.monotonic() - t0
        p = subprocess.CompletedProcess(argv, p.returncode, self.norm(p.stdout), self.norm(p.stderr))
        self.log.append((self.norm(' '.join(argv)), p.returncode, p.stdout, p.stderr))
        return p

    def effects(self, label=''):
        """Pidfile content/mode and whether the daemon runs, as a user checks."""
        e = self.env
        try:
            st = os.stat(e.P)
            with open(e.P) as f:
                content = f.read()
            pid = e.pidfile_pid()
            alive = pid in pids_running(e.D) if pid else False
            pf = (oct(st.st_mode & 0o7777), re.sub(r'\d+', 'N', content), alive)
        except FileNotFoundError:
            pf = None
        self.log.append(('effects ' + label, pf, len(pids_running(e.D))))


def c_no_command(r, e):
    r()
    r('-x', '{D}')
    r('--start')
    r('--start', '--stop', '-x', '{D}')
    r('--start', '--name', 'foo')
    r('--stop')
    r('--status')


def c_not_running(r, e):
    r('--status', '-x', '{D}')
    r('--stop', '-x', '{D}')
    r('--stop', '-x', '{D}', '--oknodo')
    r('--stop', '-x', '{D}', '--retry', '0/1/KILL/1')
    r('--stop', '-x', '{D}', '--retry', '0/1/KILL/1', '-o')
    r('--status', '-p', '{P}')
    r('--stop', '-p', '{P}', '-q')
    r('--stop', '--pid', '999999999')
    r('--stop', '--ppid', '999999999')
    r('--stop', '-u', '4242')
    r('--status', '-n', 'nosuchname')


def c_lifecycle(r, e):
    r('--start', '-b', '-m', '-p', '{P}', '-x', '{D}', '--', '1000')
    e.wait_started()
    r.effects('started')
    r('--start', '-b', '-m', '-p', '{P}', '-x', '{D}', '--', '1000')
    r('--start', '-b', '-m', '-p', '{P}', '-x', '{D}', '-o', '--', '1000')
    r('--start', '-q', '-b', '-m', '-p', '{P}', '-x', '{D}', '--', '1000')
    for m in (['-p', '{P}'], ['-p', '{P}', '-x', '{D}'], ['-x', '{D}'], ['-n', NAME], ['-n', NAME[:-1]],
              ['-u', 'root', '-n', NAME], ['-u', '4242', '-n', NAME], ['--pid', str(e.pidfile_pid())],
              ['--ppid', '1', '-x', '{D}'], ['--ppid', '2', '-x', '{D}'], ['-p', '{P}', '-n', 'other']):
        r('--status', *m)
    r('--stop', '-t', '-p', '{P}')
    r('--stop', '-t', '-p', '{P}', '--retry', '5')
    r('--stop', '-t', '-q', '-x', '{D}')
    r('--stop', '-t', '-s', 'HUP', '-n', NAME)
    r.effects('after test mode')
    r('--stop', '-v', '-p', '{P}', '--retry', '5')
    r.effects('stopped')
    r('--status', '-p', '{P}')
    r('--status', '-p', '{P}', '-x', '{D}')
    r('--stop', '-p', '{P}')
    r('--stop', '-p', '{P}', '-o', '-q')
    r('--stop', '-p', '{P}', '--remove-pidfile')
    r.effects('removed')
    r('--status', '-p', '{P}')


def c_start_foreground(r, e):
    # Without -b the program runs in place: its status is ours.
    r('--start', '-x', '{D}')
    r('--start', '-x', '{D}', '--', '0')
    r('--start', '-m', '-p', '{P}', '-k', '077', '-x', '{D}', '--', '0')
    r.effects('pidfile without -b')
    r('--start', '-x', '/bin/echo', '--', 'a', '-t')
    r('--start', '-x', '/bin/echo', 'a', '-q', '--', 'b')
    r('--start', '-d', '{DIR}', '-x', '/bin/pwd')
    r('--start', '-d', '/bin', '-x', 'pwd')
    r('--start', '-x', 'true')
    r('--start', '-a', 'qwerty', '-x', '/bin/true')
    r('--start', '-a', '/bin/false', '-n', NOBODY_NAME)
    r('--start', '-x', '/nonexistent')
    r('--start', '-d', '/nonexistent', '-x', '/bin/true')
    r('--start', '-r', '/nonexistent', '-x', '/bin/true')
    r('--start', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'echo $HOME; umask; id -u; id -g')
    r('--start', '-c', 'nobody', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'echo $HOME; id -u; id -g; id -G')
    r('--start', '-c', 'nobody:daemon', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'id -u; id -g; id -G')
    r('--start', '-c', '65534', '-g', '0', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'id -u; id -g')
    r('--start', '-g', 'daemon', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'id -u; id -g; id -G')
    r('--start', '-k', '027', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'umask')
    r('--start', '-k', '0x12', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'umask')
    r('--start', '-N', '5', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'cut -d" " -f19 /proc/$$/stat')
    r('--start', '-P', 'rr:3', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'chrt -p $$ | tr -d "\\n" | sed "s/.*policy: //"; echo')
    r('--start', '-I', 'idle', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'ionice -p $$')
    r('--start', '-I', 'best-effort:2', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'ionice -p $$')
    r('--start', '-r', '/', '-d', '/etc', '--startas', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'pwd')
    r('--start', '-c', 'nosuchuser', '-x', '/bin/true')
    r('--start', '-c', '4242', '-x', '/bin/true')
    r('--start', '-c', 'nobody:', '-x', '/bin/true')
    r('--start', '-g', 'nosuchgroup', '-x', '/bin/true')
    r('--status', '-u', 'nosuchuser')


def c_test_mode(r, e):
    r('-S', '-t', '-x', '{D}', '-c', 'nobody', '-r', '/', '-N', '3', '-P', 'fifo:5', '-I', 'idle', '--', 'a', 'b')
    r('-S', '-t', '-x', '{D}', '-c', 'nobody:root', '-g', 'daemon', '--', 'a')
    r('-S', '-t', '-x', '{D}', '-c', '0', '-g', '0')
    r('-S', '-t', '-x', NAME, '-d', '{DIR}')
    r('-S', '-t', '-q', '-x', '{D}')
    r('-S', '-t', '-a', '/bin/x', '-p', '{P}', '-P', 'other', '-I', 'real-time:1')
    r('-S', '-t', '-x', '{D}', 'x', '-v', 'y')


def c_usage(r, e):
    for args in (['-S', '-x', '{D}', '--signal', 'SIGTERM'], ['-K', '--pid', '0'], ['-K', '--pid', 'x'],
                 ['-K', '--ppid', '-1'], ['-K', '--pid', '1', '--pidfile', '{P}'], ['-S', '-m', '-x', '{D}'],
                 ['-K', '--remove-pidfile', '-x', '{D}'], ['-K', '-b', '-x', '{D}'],
                 ['-S', '-C', '-x', '{D}'], ['-S', '-b', '-O', 'rel.log', '-x', '{D}'],
                 ['-S', '-O', '/x.log', '-x', '{D}'], ['-K', '--retry', 'TERM', '-x', '{D}'],
                 ['-K', '--retry', 'TERM/forever', '-x', '{D}'], ['-K', '--retry', 'foo', '-x', '{D}'],
                 ['-K', '--retry', 'forever/1/forever/2', '-x', '{D}'], ['-K', '-R', 'x/1', '-x', '{D}'],
                 ['-K', '-R', '1x/1', '-x', '{D}'], ['-K', '-R', '1/2/aaaaaaaaaaaaaaaaaaaaaaa', '-x', '{D}'],
                 ['-K', '-R', '/', '-x', '{D}'], ['-K', '-R', '', '-x', '{D}'],
                 ['-T', '-R', 'TERM', '-x', '{D}'], ['-S', '-P', 'fifo:abc', '-x', '{D}'],
                 ['-S', '-P', 'fifo:100', '-x', '{D}'], ['-S', '-P', 'batch', '-x', '{D}'],
                 ['-S', '-P', 'fifo:0', '-x', '{D}'], ['-S', '-I', 'idle:x', '-x', '{D}'],
                 ['-S', '-I', 'real-time:8', '-x', '{D}'], ['-S', '-I', 'foo', '-x', '{D}'],
                 ['-S', '-k', '0x', '-x', '{D}'], ['-S', '-k', '-1', '-x', '{D}'],
                 ['-S', '--notify-timeout', 'x', '-b', '-x', '{D}'], ['-T', '--exec'], ['-T', '--no'],
                 ['-T', '--he=1'], ['-T', '--pi', '1'], ['-T', '--p', '1'], ['-S', '-t', '--i', 'idle', '-x', '{D}'],
                 ['-S', '--isol', '-x', '{D}'], ['-T', '--pido', '-x', '{D}'], ['-T', '-tq', '-Z'], ['-T', '--statu=x'],
                 ['--foo=bar'], ['-T', '--o', 'x'], ['--sta', '-x', '{D}'], ['-S', '-x'],
                 ['--exec=', '-S'], ['-T', '-n', '0123456789abcdefg'], ['-K', '-S', '-T']):
        r(*args)


def c_prefixes_and_permutation(r, e):
    r('--stat', '--exe', '{D}')
    r('--sto', '--exe={D}', '--oknod', '--quie')
    r('--status', '--pidf', '{P}')
    r('--pidfile={P}', '--status')
    r('-Tx{D}')
    r('-S', '-x', '/bin/echo', 'hello', '-t')
    r('-S', '-x', '/bin/echo', '--', 'hello', '-t')
    r('-S', 'a', '-x', '/bin/echo', 'b', '--', 'c', '-t')
    r('-S', '-x', '/bin/echo', '-', 'x')
    r('-So', '-x', '/bin/echo', '--', '-o')


def c_pidfile_rules(r, e):
    r('--start', '-b', '-m', '-p', '{P}', '-x', '{D}', '--', '1000')
    e.wait_started()
    os.chmod(e.P, 0o666)
    r('--status', '-p', '{P}')
    r('--stop', '-p', '{P}', '-x', '{D}')
    r('--start', '-p', '{P}', '-x', '{D}')
    os.chmod(e.P, 0o644)
    os.chown(e.P, 65534, 0)
    r('--status', '-p', '{P}')
    r('--status', '-p', '{P}', '-x', '{D}')
    r('--status', '-p', '{P}', '-n', NAME)
    os.chown(e.P, 0, 65534)
    r('--status', '-p', '{P}')
    r('--stop', '-p', '{P}')
    os.chmod(e.P, 0o666)
    r('--status', '-p', '{P}')
    os.chown(e.P, 0, 0)
    os.chmod(e.P, 0o644)
    r('--stop', '-p', '{P}', '--retry', '5')
    r.effects()
    r('--status', '-p', '/dev/null')
    r('--stop', '-p', '/dev/null')
    for content in ('garbage', '', '  42x', '+99999999', '2147483647', ' 7 8', '\n12'):
        with open(e.P, 'w') as f:
            f.write(content)
        r('--status', '-p', '{P}')
    os.unlink(e.P)
    os.mkdir(e.P)
    r('--status', '-p', '{P}')
    r('--stop', '-p', '{P}')
    os.rmdir(e.P)
    os.symlink(os.path.join(e.dir, 'elsewhere'), e.P)
    r('--start', '-m', '-p', '{P}', '-x', '{D}', '--', '0')
    os.unlink(e.P)
    os.chmod(e.run, 0o555)
    r('--start', '-b', '-m', '-p', '{P}', '-x', '{D}', '--', '0')
    r('--start', '-b', '-m', '-p', '/nonexistent/d.pid', '-x', '{D}', '--', '0')
    os.chmod(e.run, 0o755)


def c_retry(r, e):
    # A killed daemon counts as running until the test's subreaper has reaped
    # it (for both implementations): the waits after a fatal signal are 5 s,
    # not 1, so that a slow reap on a loaded machine does not end one run's
    # schedule and not the other's. Both return as soon as it is gone.
    r('--start', '-b', '-m', '-p', '{P}', '-a', '{T}', '-n', TERMIGNORE)
    wait_for(lambda: e.pidfile_pid() in pids_running(e.D), what='TERM-ignoring daemon')
    r('--stop', '-p', '{P}', '--retry', 'TERM/1')
    r.effects('refused')
    r('--stop', '-v', '-p', '{P}', '--retry', 'CONT/0/-9/5')
    r.effects('killed')
    r('--start', '-b', '-m', '-p', '{P}', '-a', '{T}', '-n', TERMIGNORE)
    wait_for(lambda: e.pidfile_pid() in pids_running(e.D), what='TERM-ignoring daemon')
    r('--stop', '-v', '-p', '{P}', '-s', 'KILL', '--retry', '5')
    r('--start', '-b', '-m', '-p', '{P}', '-a', '{T}', '-n', TERMIGNORE)
    wait_for(lambda: e.pidfile_pid() in pids_running(e.D), what='TERM-ignoring daemon')
    r('--stop', '-v', '-p', '{P}', '--retry', 'forever/USR1/0/KILL/5')
    r('--start', '-b', '-m', '-p', '{P}', '-a', '{T}', '-n', TERMIGNORE)
    wait_for(lambda: e.pidfile_pid() in pids_running(e.D), what='TERM-ignoring daemon')
    r('--stop', '-v', '-p', '{P}', '--retry', '5', '--signal', 'INT')
    r.effects()


def c_several(r, e):
    procs = [subprocess.Popen([e.D, '1000']) for _ in range(3)]
    try:
        wait_for(lambda: len(pids_running(e.D)) == 3, what='three daemons')
        r('--status', '-x', '{D}')
        r('--stop', '-t', '-x', '{D}')
        r('--stop', '-x', '{D}', '-s', '0')
        r('--stop', '-x', '{D}', '-u', '0', '--retry', '5')
        r.effects()
    finally:
        for p in procs:
            p.kill()
            p.wait()


def c_zombie(r, e):
    z = subprocess.Popen([e.D, '0'])
    wait_for(lambda: open('/proc/%d/stat' % z.pid).read().rsplit(')', 1)[1].split()[0] == 'Z',
             what='zombie')
    try:
        r('--status', '--pid', str(z.pid))
        r('--status', '--pid', str(z.pid), '-x', '{D}')
        r('--stop', '--pid', str(z.pid), '--retry', '1')
    finally:
        z.wait()


def c_background_io(r, e):
    log = os.path.join(e.dir, 'out.log')
    r('--start', '-b', '-O', log, '-m', '-p', '{P}', '--startas', '/bin/sh', '-n', 'sh',
      '--', '-c', 'echo out; echo err >&2; ls -l /proc/$$/fd/0 | sed "s/.*-> //"; pwd')
    wait_for(lambda: os.path.exists(log) and open(log).read().count('\n') >= 4, what='output')
    with open(log) as f:
        r.log.append(('output', sorted(f.read().splitlines())))
    # The shell may still be between its last write and its exit (a zombie
    # counts as running): the next --start would then say "already running"
    # for one implementation and not the other. Wait until it is reaped.
    first = e.pidfile_pid()
    wait_for(lambda: first is None or not os.path.exists('/proc/%d' % first), what='first daemon gone')
    r('--start', '-b', '-C', '-m', '-p', '{P}', '--startas', '/bin/sh', '-n', 'sh', '--', '-c', 'echo kept')
    r('--start', '-b', '-m', '-p', '{P}', '-k', '077', '-x', '{D}', '--', '1000')
    e.wait_started()
    r.effects('umask 077 but pidfile 0644')
    r('--stop', '-p', '{P}', '-x', '{D}', '--retry', '5', '--remove-pidfile')
    r.effects()
    r('--start', '-b', '-m', '-p', '{P}', '--chroot', '{E}', '--startas', '/bin/true', '-n', 'true')
    r.effects('chroot: exec failure is invisible')


def c_notify(r, e):
    r('--start', '-b', '-m', '-p', '{P}', '--notify-await', '--startas', '{N}', '-n', NOTIFIER_NAME, '--',
      '0.5', 'READY=1')
    assert r.elapsed >= 0.4
    r('--stop', '-p', '{P}', '--retry', '5')
    r('--start', '-b', '-m', '-p', '{P}', '--notify-await', '--startas', '{N}', '-n', NOTIFIER_NAME, '--',
      '0', 'X=1\nERRNO=13')
    r('--stop', '-p', '{P}', '--retry', '5')
    r('--start', '-b', '-m', '-p', '{P}', '--notify-await', '--notify-timeout', '1', '--startas', '{N}',
      '-n', NOTIFIER_NAME, '--', '0')
    assert r.elapsed >= 0.9
    r('--stop', '-p', '{P}', '--retry', '5')
    r('--start', '-b', '-m', '-p', '{P}', '--notify-await', '--notify-timeout', '1', '--startas', '{N}',
      '-n', NOTIFIER_NAME, '--', '0', 'EXTEND_TIMEOUT_USEC=3000000', 'sleep=1.5', 'READY=1')
    r('--stop', '-p', '{P}', '--retry', '5')
    r.effects()
    r.log.append(('notify dir left', [n for n in os.listdir('/run') if n.startswith('.s-s-d-notify')]))


def c_deleted_exec(r, e):
    r('--start', '-b', '-m', '-p', '{P}', '-x', '{D}', '--', '1000')
    e.wait_started()
    pid = e.pidfile_pid()
    os.unlink(e.D)  # an upgrade: the running binary is deleted, a new one takes its path
    shutil.copy('/bin/sleep', e.D)
    assert os.readlink('/proc/%d/exe' % pid).endswith(' (deleted)')
    r('--status', '-x', '{D}')
    r('--status', '-p', '{P}', '-x', '{D}')
    r('--start', '-x', '{D}', '--', '0')
    os.unlink(e.D)  # gone for good: --exec cannot be checked at all
    r('--status', '-x', '{D}')
    r('--stop', '-x', '{D}')
    shutil.copy('/bin/sleep', e.D)
    r('--stop', '-p', '{P}', '-x', '{D}', '--retry', '5')
    r.effects()


def c_odd_name(r, e):
    """--name compares with the Name: line of /proc/PID/status, as dpkg
    does: leading white space skipped, a backslash doubled, a tab as it is."""
    name = ' o\t\\' + TAG
    path = os.path.join(e.dir, name)
    shutil.copy('/bin/sleep', path)
    p = subprocess.Popen([path, '1000'])
    try:
        wait_for(lambda: open('/proc/%d/comm' % p.pid).read() == name + '\n', what='odd name')
        r('--status', '-n', name)
        r('--status', '-n', name[1:])
        r('--status', '-n', 'o\t\\\\' + TAG)
        r('--status', '-n', ' o\t\\\\' + TAG)
        r('--status', '-n', 'o\\t\\\\' + TAG)
        r('--stop', '-t', '-n', 'o\t\\\\' + TAG)
    finally:
        p.kill()
        p.wait()


CASES = [c_no_command, c_deleted_exec, c_not_running, c_lifecycle, c_start_foreground, c_test_mode, c_usage,
         c_prefixes_and_permutation, c_pidfile_rules, c_retry, c_several, c_zombie, c_background_io, c_notify,
         c_odd_name]


def play(case, prog, base):
    e = Env(base)
    reaper = Reaper()
    r = Runner(prog, e, reaper)
    try:
        case(r, e)
    finally:
        e.cleanup()
        reaper.close()
    return r.log


@pytest.mark.parametrize('case', CASES, ids=[c.__name__[2:] for c in CASES])
def test_same_as_dpkg(case, applets, tmp_path):
    if not os.access(SSD, os.X_OK):
        pytest.skip('dpkg start-stop-daemon not installed')
    # A second round only where the first differed: on a shared machine a
    # process of ours may die for reasons outside both implementations.
    for attempt in range(2):
        theirs = play(case, SSD, tmp_path / ('dpkg%d' % attempt))
        ours = play(case, applets['ssd-isolate'], tmp_path / ('ours%d' % attempt))
        if ours == theirs:
            return
    for a, b in zip(theirs, ours):
        assert b == a
    assert len(ours) == len(theirs)


# --- where we deliberately differ --------------------------------------------

def play_one(prog, tmp_path, *args):
    e = Env(tmp_path / ('%s-%d' % (os.path.basename(prog), len(os.listdir(tmp_path)))))
    r = Runner(prog, e)
    r(*args)
    return r.log[-1]


def test_deliberate_retry_trailing_slash(tmp_path):
    _, rc, out, err = play_one('ours', tmp_path, '-K', '-R', '5/', '-x', '{D}')
    assert (rc, out) == (3, '')
    assert err.startswith("PROG: invalid schedule item (must be")
    if os.access(SSD, os.X_OK):
        assert 'internal error' in play_one(SSD, tmp_path, '-K', '-R', '5/', '-x', '{D}')[3]


@pytest.mark.parametrize('content', ['0\n', '-5\n', '2147483648\n'])
def test_deliberate_pidfile_zero_negative_overflow_is_garbage(tmp_path, content):
    # dpkg would kill(0)/kill(-5): its own or another process group.
    e = Env(tmp_path)
    r = Runner('ours', e)
    with open(e.P, 'w') as f:
        f.write(content)
    r('--status', '-p', '{P}')
    r('--stop', '-p', '{P}')
    assert [x[1] for x in r.log] == [4, 1]


def test_deliberate_verbose_start_is_printed(tmp_path):
    _, rc, out, err = play_one('ours', tmp_path, '-S', '-v', '-x', '/bin/true')
    assert (rc, out, err) == (0, 'Starting /bin/true...\n', '')


def test_deliberate_notify_extend_timeout_in_microseconds(tmp_path):
    e = Env(tmp_path)
    r = Runner('ours', e)
    r('--start', '-b', '-m', '-p', '{P}', '--notify-await', '--notify-timeout', '5', '--startas', '{N}',
      '-n', NOTIFIER_NAME, '--', '0', 'EXTEND_TIMEOUT_USEC=300000', 'sleep=3', 'READY=1')
    try:
        assert r.log[-1][1:] == (2, '', 'PROG: timed out waiting for a notification\n')
        assert r.elapsed < 2.5  # 0.3 s, not dpkg's 300 s
    finally:
        r('--stop', '-p', '{P}', '--retry', '5')
        e.cleanup()


def test_pidof_prints_pids(tmp_path):
    e = Env(tmp_path)
    r = Runner('ours', e)
    p = subprocess.Popen([e.D, '1000'])
    try:
        wait_for(lambda: pids_running(e.D) == [p.pid], what='daemon')
        out = r('--pidof', '-x', '{D}')
        assert (out.returncode, out.stdout) == (0, '%d\n' % p.pid)
        out = r('--pidof', '-n', 'nosuch')
        assert (out.returncode, out.stdout) == (3, '')
    finally:
        p.kill()
        p.wait()


def test_help_and_version(applets):
    p = run([applets['ssd-isolate'], '--help'], check=0)
    assert p.stdout.startswith('Usage: ssd-isolate [<option>...] <command>')
    assert '--isolate' in p.stdout
    p = run([applets['ssd-isolate'], '-V'], check=0)
    assert '0.1.0' in p.stdout


# --- --isolate ----------------------------------------------------------------

class Iso:
    """An isolated-daemon world: runs ssd-isolate under the subreaper."""

    def __init__(self, tmp_path):
        self.e = Env(tmp_path / 'iso')
        self.reaper = Reaper()
        self.r = Runner('ours', self.e, self.reaper)
        self.dfork = os.path.join(self.e.dir, 'dforkd')
        shutil.copy(tool('ssd_dfork'), self.dfork)
        self.sh = self.e.script('shdaemon', '(setsid %s 1000 </dev/null >/dev/null 2>&1 & echo $! > "$1")\nexit 0\n' % self.e.D)

    def __call__(self, *args, **kw):
        return self.r(*args, **kw)

    def reapers(self):
        """Our reapers still alive: processes running this isobox as PID 1 of a namespace."""
        out = []
        for pid in os.listdir('/proc'):
            try:
                if pid.isdigit() and same_file('/proc/%s/exe' % pid, ISOBOX):
                    with open('/proc/%s/status' % pid) as f:
                        nspid = [l for l in f if l.startswith('NSpid:')][0].split()[1:]
                    if len(nspid) > 1 and nspid[-1] == '1':
                        out.append(int(pid))
            except (OSError, IndexError):
                pass
        return out

    def gone(self):
        return not pids_running(self.e.D) and not pids_running(self.dfork) and not self.reapers()

    def close(self):
        for pid in self.reapers():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self.e.cleanup()
        for pid in pids_running(self.dfork):
            os.kill(pid, signal.SIGKILL)
        wait_for(self.gone, what='isolated daemon gone')
        self.reaper.close()


@pytest.fixture
def iso(tmp_path):
    w = Iso(tmp_path)
    yield w
    w.close()


def ns_of(pid, kind='pid'):
    return os.stat('/proc/%d/ns/%s' % (pid, kind)).st_ino


def test_isolate_double_forking_shell_daemon_own_pidfile(iso):
    e = iso.e
    p = iso('--start', '--isolate', '-p', '{P}', '-a', iso.sh, '-n', NAME, '--', '{P}')
    assert (p.returncode, p.stdout, p.stderr) == (0, '', '')
    wait_for(lambda: pids_running(e.D), what='daemon')
    [host_pid] = pids_running(e.D)
    local = e.pidfile_pid()
    assert local != host_pid and local < 10  # a PID of the namespace
    assert ns_of(host_pid) != ns_of(os.getpid())
    assert ns_of(host_pid, 'mnt') != ns_of(os.getpid(), 'mnt')
    for m in (['-p', '{P}'], ['-p', '{P}', '-x', '{D}'], ['-x', '{D}'], ['-n', NAME], ['-p', '{P}', '-n', NAME]):
        assert iso('--status', *m).returncode == 0, m
    assert run([ISOBOX, 'ssd-isolate', '--pidof', '-p', e.P]).stdout == '%d\n' % host_pid
    assert iso('--status', '-p', '{P}', '-n', 'other').returncode == 1
    p = iso('--start', '--isolate', '-p', '{P}', '-a', iso.sh, '-n', NAME, '--', '{P}')
    assert (p.returncode, p.stdout) == (1, 'process already running.\n')
    p = iso('--stop', '-p', '{P}', '--retry', '5', '-v')
    assert (p.returncode, p.stdout) == (0, "Stopped process in pidfile 'DIR/run/d.pid' (pid PID).\n")
    wait_for(iso.gone, what='namespace gone')
    # The reaper removes the pidfile the daemon wrote inside: its number
    # would name an unrelated host process from now on.
    wait_for(lambda: not os.path.exists(e.P), what='pidfile removed')
    assert iso('--status', '-p', '{P}').returncode == 3


def test_isolate_namespace_pid_never_names_a_host_process(iso):
    e = iso.e
    # The daemon keeps a child, so the namespace outlives the daemon itself.
    p = iso('--start', '--isolate', '-p', '{P}', '-x', iso.dfork, '--', '{P}', '1000', 'child')
    assert p.returncode == 0, p.stderr
    wait_for(lambda: e.pidfile_pid() and len(pids_running(iso.dfork)) == 2, what='daemon and child')
    local = e.pidfile_pid()
    assert os.path.exists('/proc/%d' % local)  # on the host, that PID is someone else
    daemon = [pid for pid in pids_running(iso.dfork)
              if open('/proc/%d/status' % pid).read().split('NSpid:')[1].split('\n')[0].split()[-1] == str(local)]
    assert len(daemon) == 1
    assert run([ISOBOX, 'ssd-isolate', '--pidof', '-p', e.P]).stdout == '%d\n' % daemon[0]
    os.kill(daemon[0], signal.SIGKILL)
    wait_for(lambda: len(pids_running(iso.dfork)) == 1, what='daemon killed')
    # dpkg would now report (and signal) host PID `local`; we say "dead, pidfile exists".
    if os.access(SSD, os.X_OK):
        assert run([SSD, '--status', '-p', e.P]).returncode == 0
    assert iso('--status', '-p', '{P}').returncode == 1
    p = iso('--stop', '-p', '{P}')
    assert (p.returncode, p.stdout) == (1, "No process in pidfile 'DIR/run/d.pid' found running; none killed.\n")
    assert iso('--status', '-x', iso.dfork).returncode == 0  # the child
    assert iso('--stop', '-x', iso.dfork, '--retry', '5').returncode == 0
    wait_for(iso.gone, what='namespace gone')


def test_isolate_double_forking_c_daemon(iso):
    e = iso.e
    p = iso('--start', '--isolate', '-p', '{P}', '-x', iso.dfork, '--', '{P}', '1000')
    assert (p.returncode, p.stdout, p.stderr) == (0, '', '')
    wait_for(lambda: e.pidfile_pid(), what='pidfile')
    assert iso('--status', '-x', iso.dfork).returncode == 0
    assert iso('--status', '-n', 'dforkd').returncode == 0
    p = iso('--stop', '-x', iso.dfork, '--retry', '5')
    assert p.returncode == 0
    wait_for(iso.gone, what='namespace gone')
    assert iso('--status', '-x', iso.dfork).returncode == 3


def test_isolate_daemon_failing_before_fork_is_reported(iso):
    p = iso('--start', '--isolate', '-p', '{P}', '-x', iso.dfork, '--', '{P}', '10', 'fail')
    assert (p.returncode, p.stdout) == (2, '')
    assert p.stderr == 'PROG: DIR/dforkd exited with status 3\n'
    p = iso('--start', '--isolate', '-a', '/bin/sh', '-n', NOBODY_NAME, '--', '-c', 'kill -9 $$')
    assert (p.returncode, p.stderr) == (2, 'PROG: /bin/sh was killed by signal 9\n')
    p = iso('--start', '--isolate', '-a', '/nonexistent', '-n', NOBODY_NAME)
    assert p.returncode == 2
    wait_for(iso.gone, what='nothing left')


def test_isolate_background_make_pidfile(iso):
    e = iso.e
    p = iso('--start', '-b', '-m', '--isolate', '-p', '{P}', '-x', '{D}', '--', '1000')
    assert (p.returncode, p.stdout, p.stderr) == (0, '', '')
    reaper = e.pidfile_pid()
    assert reaper in iso.reapers()
    assert oct(os.stat(e.P).st_mode & 0o777) == '0o644'
    wait_for(lambda: pids_running(e.D), what='daemon')
    for m in (['-p', '{P}'], ['-p', '{P}', '-x', '{D}'], ['-x', '{D}'], ['-n', NAME], ['-p', '{P}', '-n', NAME],
              ['-p', '{P}', '-u', 'root']):
        assert iso('--status', *m).returncode == 0, m
    assert iso('--status', '-p', '{P}', '-n', 'other').returncode == 1
    p = iso('--start', '-b', '-m', '--isolate', '-p', '{P}', '-x', '{D}', '--', '1000')
    assert (p.returncode, p.stdout) == (1, 'DIR/%s already running.\n' % NAME)
    p = iso('--stop', '-p', '{P}', '-x', '{D}', '--retry', '5', '-v')
    assert (p.returncode, p.stdout) == (0, 'Stopped DIR/%s (pid PID).\n' % NAME)
    wait_for(iso.gone, what='namespace gone')
    assert os.path.exists(e.P)  # as dpkg: --make-pidfile's file stays
    assert iso('--status', '-p', '{P}').returncode == 1


def test_isolate_retry_against_term_ignoring_daemon(iso):
    e = iso.e
    p = iso('--start', '-b', '-m', '--isolate', '-p', '{P}', '-a', '{T}', '-n', TERMIGNORE)
    assert p.returncode == 0
    wait_for(lambda: pids_running(e.D), what='daemon')
    p = iso('--stop', '-p', '{P}', '--retry', 'TERM/1')
    assert (p.returncode, p.stdout) == (2, "Program process in pidfile 'DIR/run/d.pid', 1 process(es), refused to die.\n")
    assert pids_running(e.D)
    p = iso('--stop', '-p', '{P}', '--retry', 'TERM/1/KILL/5', '-v')
    assert p.returncode == 0
    assert p.stdout.endswith(', retry #1.\n')
    wait_for(iso.gone, what='namespace gone')


def test_isolate_notify_await_from_inside(iso):
    e = iso.e
    for extra in (['-b'], []):
        p = iso('--start', '--isolate', '--notify-await', '-m', '-p', '{P}', '-a', '{N}', '-n', NOTIFIER_NAME, *extra,
                '--', '0.5', 'READY=1')
        assert (p.returncode, p.stderr) == (0, '')
        assert p.returncode == 0 and iso.r.elapsed >= 0.4
        assert iso('--stop', '-p', '{P}', '--retry', '5').returncode == 0
        wait_for(iso.gone, what='namespace gone')
    p = iso('--start', '--isolate', '-b', '--notify-await', '-m', '-p', '{P}', '-a', '{N}', '-n', NOTIFIER_NAME,
            '--', '0', 'ERRNO=13')
    assert (p.returncode, p.stderr) == (2, 'PROG: program failed to initialize (Permission denied)\n')
    iso('--stop', '-p', '{P}', '--retry', '5')
    assert not [n for n in os.listdir('/run') if n.startswith('.s-s-d-notify')]


def test_isolate_inside_view(iso):
    sh = os.path.join(iso.e.dir, 'mysh')
    shutil.copy('/bin/sh', sh)
    p = iso('--start', '--isolate', '-x', sh, '--', '-c', 'echo $$; ps -e -o pid=,comm=; hostname')
    assert p.returncode == 0, p.stderr
    lines = p.stdout.split('\n')
    assert lines[0] == '2'
    assert [l.split()[0] for l in lines[1:4]] == ['1', '2', '3']  # the reaper, the shell, ps
    assert [l.split()[1] for l in lines[2:4]] == ['mysh', 'ps']
    p = iso('--start', '--isolate=net,uts,ipc', '-x', sh, '--', '-c',
            'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "; hostname inside; hostname; exit 7')
    assert (p.returncode, p.stdout) == (2, 'lo\ninside\n')
    assert p.stderr == 'PROG: DIR/mysh exited with status 7\n'
    assert socket.gethostname() != 'inside'
    p = iso('--start', '--isolate', '-c', 'nobody', '-k', '027', '-d', '/tmp', '-a', '/bin/sh', '-n', NOBODY_NAME, '--',
            '-c', 'id -u; umask; pwd')
    assert (p.returncode, p.stdout) == (0, '65534\n0027\n/tmp\n')
    wait_for(iso.gone, what='nothing left')


def test_isolate_bad_usage(iso):
    for args, rc, err in ((['--isolate=pid,foo'], 3, "PROG: invalid namespace 'foo' in --isolate\n"),
                          (['--isolate=user'], 3, "PROG: --isolate does not take 'user'\n")):
        p = iso('--start', *args, '-x', '{D}', '--', '1000')
        assert (p.returncode, p.stderr) == (rc, err + "Try 'PROG --help' for more information.\n")
    p = iso('--stop', '--isolate', '-x', '{D}')
    assert p.returncode == 3
    p = iso('--status', '--isolate', '-x', '{D}')
    assert p.returncode == 4
    assert iso.gone()


def test_example_init_script(iso, applets):
    e = iso.e
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          'docs', 'examples', 'isolated-daemon.init')
    env = dict(os.environ, SSD=applets['ssd-isolate'], NAME=NAME, DAEMON=e.D, DAEMON_ARGS='1000', PIDFILE=e.P)

    def init(action):
        return run(['sh', script, action], env=env)

    assert (init('status').returncode, init('status').stdout) == (3, '%s is not running.\n' % NAME)
    assert init('start').stdout == 'Starting %s: started.\n' % NAME
    assert e.pidfile_pid() in iso.reapers()
    wait_for(lambda: pids_running(e.D), what='daemon')
    assert ns_of(pids_running(e.D)[0]) != ns_of(os.getpid())
    assert ns_of(pids_running(e.D)[0], 'net') != ns_of(os.getpid(), 'net')
    assert (init('status').returncode, init('status').stdout) == (0, '%s is running.\n' % NAME)
    assert init('start').stdout == 'Starting %s: already running.\n' % NAME
    assert init('restart').returncode == 0
    assert init('stop').stdout == 'Stopping %s: stopped.\n' % NAME
    wait_for(iso.gone, what='namespace gone')
    assert init('stop').stdout == 'Stopping %s: not running.\n' % NAME
    assert init('status').returncode == 1  # the pidfile stays, as with dpkg


def uid_of(pid):
    with open('/proc/%d/status' % pid) as f:
        return int([l for l in f if l.startswith('Uid:')][0].split()[1])


def test_isolate_chuid_output_reaper_stays_root(iso):
    e = iso.e
    log = os.path.join(e.dir, 'out.log')
    p = iso('--start', '-b', '-m', '--isolate=pid,mount,ipc,uts', '-p', '{P}', '-c', 'nobody', '-O', log,
            '-a', '/bin/sh', '--', '-c', 'echo out; echo err >&2; id -u; exec sleep 1000')
    assert (p.returncode, p.stderr) == (0, '')
    reaper = e.pidfile_pid()
    wait_for(lambda: os.path.exists(log) and open(log).read().count('\n') == 3, what='output')
    with open(log) as f:
        assert sorted(f.read().split()) == ['65534', 'err', 'out']
    assert uid_of(reaper) == 0
    with open('/proc/%d/task/%d/children' % (reaper, reaper)) as f:
        [child] = [int(c) for c in f.read().split()]
    assert uid_of(child) == 65534
    assert os.readlink('/proc/%d/cwd' % reaper) == '/'
    # The reaper holds none of the caller's descriptors.
    fds = {os.readlink('/proc/%d/fd/%s' % (reaper, fd)) for fd in os.listdir('/proc/%d/fd' % reaper)}
    assert not [f for f in fds if f.startswith('pipe:') or f == log], fds
    assert iso('--status', '-p', '{P}').returncode == 0
    assert iso('--stop', '-p', '{P}', '--retry', '5').returncode == 0
    wait_for(lambda: not os.path.exists('/proc/%d/exe' % reaper) or not iso.reapers(), what='reaper gone')
    assert iso('--status', '-p', '{P}').returncode == 1


def test_isolate_unprivileged_is_refused_cleanly(applets):
    p = run(as_nobody([applets['ssd-isolate'], '--start', '--isolate', '-a', '/bin/true', '-n', NOBODY_NAME]))
    assert (p.returncode, p.stdout) == (2, '')
    assert p.stderr == 'ssd-isolate: cannot create namespaces (Operation not permitted)\n'


def test_very_long_names_do_not_overflow(applets):
    long = 'a' * 9000
    p = run([applets['ssd-isolate'], '--stop', '-n', long])
    assert p.returncode == 1 and p.stdout.startswith('No aaaa') and p.stdout.endswith(' found running; none killed.\n')
    p = run([applets['ssd-isolate'], '--stop', '-p', '/' + long])
    assert p.returncode == 2 and p.stderr.startswith('ssd-isolate: unable to open pidfile /aaa')


@pytest.mark.skipif(VARIANT != 'release', reason='needs the release variant (a static test daemon inside the chroot)')
def test_isolate_with_chroot(iso):
    root = os.path.join(iso.e.dir, 'root')
    for d in ('bin', 'run', 'dev'):
        os.makedirs(os.path.join(root, d))
    os.mknod(os.path.join(root, 'dev', 'null'), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    daemon = os.path.join(root, 'bin', TERMIGNORE)
    shutil.copy(tool('ssd_dfork'), daemon)
    p = iso('--start', '--isolate', '-r', root, '-a', '/bin/' + TERMIGNORE, '-n', TERMIGNORE, '--',
            '/run/d.pid', '1000')
    assert (p.returncode, p.stderr) == (0, '')
    wait_for(lambda: pids_running(daemon), what='chrooted daemon')
    [pid] = pids_running(daemon)
    assert os.readlink('/proc/%d/root' % pid) == root
    assert [os.readlink('/proc/%d/root' % r) for r in iso.reapers()] == ['/']
    wait_for(lambda: os.path.exists(os.path.join(root, 'run', 'd.pid')), what='pidfile inside the chroot')
    assert iso('--status', '-n', TERMIGNORE).returncode == 0
    assert iso('--stop', '-n', TERMIGNORE, '--retry', '5').returncode == 0
    wait_for(iso.gone, what='namespace gone')
