"""Shared fixtures: the binary under test, applet links, unprivileged runs, and
a check after every test that the host is exactly as before (mount table,
/tmp, and no process left behind)."""
import fcntl
import os
import re
import shutil
import signal
import subprocess
import time
import uuid

import pytest

from procfs import children, state  # noqa: F401 (the tests import them from here)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARIANT = os.environ.get('ISOBOX_VARIANT', 'release')
ISOBOX = os.path.abspath(os.environ.get('ISOBOX', os.path.join(ROOT, 'build', VARIANT, 'isobox')))
TOOLS = os.environ.get('ISOBOX_TOOLS', os.path.join(ROOT, 'build', VARIANT, 'tools'))
NOBODY = 65534
SETPRIV_NOBODY = ['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups']

# Every process a test starts inherits this marker; one still alive after the
# test is a leftover (processes in other PID namespaces included).
MARK = 'ISOBOX_TEST_MARK'
MARK_VALUE = uuid.uuid4().hex
os.environ[MARK] = MARK_VALUE
MARK_BYTES = ('%s=%s' % (MARK, MARK_VALUE)).encode()


def applet_names():
    with open(os.path.join(ROOT, 'core', 'applets.def')) as f:
        return re.findall(r'^APPLET\(\s*"([a-z0-9-]+)"', f.read(), re.M)


def pytest_configure(config):
    if not config.option.basetemp:
        base = os.path.join(ROOT, 'build', VARIANT, 'pytest-tmp')
        config.option.basetemp = base


def run(cmd, timeout=60, check=None, **kw):
    """subprocess.run with text output captured and a timeout."""
    kw.setdefault('stdout', subprocess.PIPE)
    kw.setdefault('stderr', subprocess.PIPE)
    kw.setdefault('text', True)
    p = subprocess.run(cmd, timeout=timeout, **kw)
    if check is not None:
        assert p.returncode == check, (cmd, p.returncode, p.stdout, p.stderr)
    return p


def as_nobody(cmd):
    return SETPRIV_NOBODY + list(cmd)


@pytest.fixture(scope='session')
def isobox():
    if not os.access(ISOBOX, os.X_OK):
        pytest.fail('binary not built: %s (run scons)' % ISOBOX)
    return ISOBOX


@pytest.fixture(scope='session')
def applets(tmp_path_factory, isobox):
    """A folder of symbolic links, one per applet; returns {name: path}."""
    d = tmp_path_factory.mktemp('bin')
    os.chmod(d, 0o755)
    links = {}
    for name in applet_names():
        p = d / name
        os.symlink(isobox, p)
        links[name] = str(p)
    return links


@pytest.fixture
def world_tmp(tmp_path):
    """A temporary folder that uid 65534 can reach and write."""
    p = tmp_path
    for parent in [p] + list(p.parents):
        if str(parent) in ('/', ROOT):
            break
        os.chmod(parent, os.stat(parent).st_mode | 0o711)
    os.chmod(p, 0o777)
    return p


@pytest.fixture(scope='session')
def setuid_isobox(tmp_path_factory, isobox):
    """A setuid-root copy of isobox in a folder every user can reach (never
    installed anywhere else); skips where that cannot work."""
    if os.geteuid() != 0:
        pytest.skip('needs root to make a setuid copy')
    d = tmp_path_factory.mktemp('setuid')
    for parent in [d] + list(d.parents):
        if str(parent) in ('/', ROOT):
            break
        os.chmod(parent, os.stat(parent).st_mode | 0o711)
    if os.statvfs(d).f_flag & os.ST_NOSUID:
        pytest.skip('test folder is on a nosuid mount')
    copy = d / 'isobox'
    shutil.copy(isobox, copy)
    os.chown(copy, 0, 0)
    os.chmod(copy, 0o4755)
    return str(copy)


# --- host state -------------------------------------------------------------

def host_mounts():
    """Mount table of the host namespace, minus mounts other pytest sessions
    (in other checkouts) make under their own basetemp."""
    own = os.path.join(ROOT, 'build')
    out = []
    with open('/proc/self/mountinfo') as f:
        for line in f:
            fields = line.split()
            mnt = fields[4]
            if '/pytest-tmp/' in mnt and not mnt.startswith(own):
                continue
            out.append(' '.join(fields[3:6] + fields[fields.index('-'):]))
    return sorted(out)


# Files other programs on a shared development machine make in /tmp while the
# suite runs, never anything of ours: gcc's temporary files, perf's vdso
# copies and the session tool's scratch files. Everything else new in /tmp fails the test.
FOREIGN_TMP = re.compile(r'^(cc[A-Za-z0-9]{6}(\.[A-Za-z0-9_]+)+|bash_tool_[0-9a-f-]+|perf-vdso\.so-[A-Za-z0-9]+)$')


def tmp_entries():
    return {e for e in os.listdir('/tmp') if not FOREIGN_TMP.match(e)}


def marked_processes():
    found = []
    me = os.getpid()
    for pid in os.listdir('/proc'):
        if not pid.isdigit() or int(pid) == me:
            continue
        try:
            with open('/proc/%s/environ' % pid, 'rb') as f:
                env = f.read()
        except OSError:
            continue
        if MARK_BYTES in env.split(b'\0'):
            try:
                with open('/proc/%s/stat' % pid) as f:
                    state = f.read().rsplit(')', 1)[1].split()[0]
            except OSError:
                continue
            found.append((int(pid), state))
    return found


def leftover_processes(grace=3.0):
    deadline = time.monotonic() + grace
    while True:
        procs = marked_processes()
        if not procs or time.monotonic() > deadline:
            return procs
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def host_unchanged(request):
    """After every test: host mount table and /tmp as before, no process left."""
    mounts, tmps = host_mounts(), tmp_entries()
    yield
    left = leftover_processes()
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    errors = []
    if left:
        errors.append('processes left running: %r' % left)
    new_mounts = set(host_mounts()) ^ set(mounts)
    if new_mounts:
        errors.append('host mount table changed: %r' % sorted(new_mounts))
    new_tmp = tmp_entries() - tmps
    if new_tmp:
        errors.append('new entries in /tmp: %r' % sorted(new_tmp))
    if errors and 'host_may_change' not in request.keywords:
        pytest.fail('; '.join(errors))


F_SETPIPE_SZ = 1031


def full_pipe():
    """A pipe whose buffer is full, so the next write(2) to it blocks: a way
    to hold a process still at its first write, to look at it from outside."""
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    os.set_blocking(w, False)
    try:
        while True:
            os.write(w, b'x' * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)
    return r, w


def tool(name):
    p = os.path.join(TOOLS, name)
    if not os.access(p, os.X_OK):
        pytest.fail('test tool not built: %s' % p)
    return p


def which(name):
    return shutil.which(name)
