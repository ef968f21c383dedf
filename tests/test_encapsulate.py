"""encapsulate: a read-only view with writable holes and no way out.

Every behaviour test runs three times: as root (no user namespace), as uid
65534 (through a user namespace), and as uid 65534 through a setuid-root copy
of isobox with user namespaces unavailable to the caller ("setuid": the
tools/nouserns seccomp wrapper, which changes nothing for other processes). Host-side checks run after each test (conftest:
mount table, /tmp, leftover processes); several tests check more themselves.
Mounts a test needs on the "host" are made in a private mount namespace
(unshare -m) that encapsulate is started from, so the real host never sees them.
"""
import errno
import fcntl
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import termios
import time

import pytest

from conftest import ISOBOX, NOBODY, SETPRIV_NOBODY, children, run, tool

PY = '/usr/bin/python3'
TIOCSTI = 0x5412
TIOCLINUX = 0x541C


SETUID = {}


@pytest.fixture(params=['root', 'nobody', 'setuid'])
def who(request):
    if request.param == 'setuid':
        SETUID['copy'] = request.getfixturevalue('setuid_isobox')
        SETUID['nouserns'] = tool('nouserns')
    return request.param


def as_who(who, cmd):
    """CMD run as WHO's user: root, or uid 65534 (the setuid case under the
    nouserns wrapper, which keeps user namespaces from the caller)."""
    if who == 'root':
        return list(cmd)
    if who == 'setuid':
        return [SETUID['nouserns'], str(NOBODY), str(NOBODY)] + list(cmd)
    return SETPRIV_NOBODY + list(cmd)


def enc(who, *args):
    """argv running encapsulate as WHO."""
    binary = SETUID['copy'] if who == 'setuid' else ISOBOX
    return as_who(who, [binary, 'encapsulate'] + list(args))


def enc_sh(who):
    """The same, as a shell word list for scripts run in a private namespace."""
    return ' '.join(shlex.quote(a) for a in enc(who))


def in_private_ns(script, timeout=60, **kw):
    """Run a root shell script in a private mount namespace: mounts it makes
    stay there and vanish with it."""
    return run(['unshare', '-m', '--propagation', 'private', 'sh', '-euc', script],
               timeout=timeout, **kw)


def owned_by(who, path):
    if who != 'root':
        os.chown(path, NOBODY, NOBODY)
    return path


def mountinfo(text):
    """[(mount point, set of per-mount options)] from mountinfo text."""
    out = []
    for line in text.splitlines():
        f = line.split()
        point = f[4]
        for esc, ch in (('\\040', ' '), ('\\011', '\t'), ('\\012', '\n'), ('\\134', '\\')):
            point = point.replace(esc, ch)
        out.append((point, set(f[5].split(','))))
    return out


# --- the read-only view --------------------------------------------------------------

def test_write_outside_the_list_fails_with_erofs(who, world_tmp):
    p = run(enc(who, '', PY, '-c', '''
import errno, os, sys
bad = []
for path in ("/etc/encapsulate-probe", "/dev/shm/encapsulate-probe", sys.argv[1] + "/probe",
             "/var/encapsulate-probe"):
    try:
        open(path, "w")
        bad.append(path + ": written")
    except OSError as e:
        if e.errno != errno.EROFS:
            bad.append(path + ": " + e.strerror)
print(bad)
''', str(world_tmp)), check=0)
    assert p.stdout.strip() == '[]'
    assert not os.path.exists(world_tmp / 'probe')
    assert not os.path.exists('/dev/shm/encapsulate-probe')


def test_every_mount_is_read_only_including_stacked_layers(who, world_tmp):
    """Both layers of a stacked tmpfs, and a tmpfs under a read-only path,
    are read-only inside; only the entries and the fresh /proc are not."""
    d = world_tmp / 'stack'
    w = world_tmp / 'w'
    d.mkdir()
    w.mkdir()
    owned_by(who, w)
    p = in_private_ns('''
mount -t tmpfs -o mode=1777 lower "$D"; touch "$D/lower-file"
mount -t tmpfs -o mode=1777 upper "$D"
$ENC "$W" sh -c 'cat /proc/self/mountinfo; echo ===; touch "$D/x" 2>&1 || true'
''', env=dict(os.environ, D=str(d), W=str(w), ENC=enc_sh(who)), check=0)
    info, _, rest = p.stdout.partition('===\n')
    assert 'Read-only file system' in rest
    mounts = mountinfo(info)
    layers = [opts for point, opts in mounts if point == str(d)]
    assert len(layers) == 2 and all('ro' in o for o in layers), layers
    for point, opts in mounts:
        # The sandbox's own procfs and devpts (and its ptmx) are fresh, not the host's.
        if point in ('/proc', '/dev/pts', '/dev/ptmx', str(w)):
            continue
        assert 'ro' in opts, (point, opts)


def test_entries_are_writable_and_changes_stay_on_the_host(who, world_tmp):
    a = world_tmp / 'a'
    a.mkdir()
    owned_by(who, a)
    f = world_tmp / 'file-entry'
    f.write_text('old\n')
    owned_by(who, f)
    sibling = world_tmp / 'sibling'
    sibling.write_text('keep\n')
    os.chmod(sibling, 0o666)
    run(enc(who, '%s|%s' % (a, f), 'sh', '-c',
            'echo new > "$1/made" && echo new > "$2" && ! echo x 2>/dev/null > "$3"',
            'sh', str(a), str(f), str(sibling)), check=0)
    assert (a / 'made').read_text() == 'new\n'
    assert f.read_text() == 'new\n'
    assert sibling.read_text() == 'keep\n'


def test_original_positional_form_with_two_entries(who, world_tmp):
    a, b = world_tmp / 'a', world_tmp / 'b'
    for d in (a, b):
        d.mkdir()
        owned_by(who, d)
    run(enc(who, '%s|%s' % (a, b), 'touch', str(a / 'x'), str(b / 'y')), check=0)
    assert (a / 'x').exists() and (b / 'y').exists()


def test_a_mount_nested_in_an_entry_is_there_and_writable(who, world_tmp):
    e = world_tmp / 'entry'
    (e / 'sub').mkdir(parents=True)
    owned_by(who, e)
    p = in_private_ns('''
mount -t tmpfs -o mode=1777 nested "$E/sub"
$ENC "$E" sh -c 'echo inside > "$E/sub/f" && grep " $E/sub " /proc/self/mountinfo | tail -n 1 | cut -d" " -f6'
cat "$E/sub/f"
''', env=dict(os.environ, E=str(e), ENC=enc_sh(who)), check=0)
    assert p.stdout.split()[-1] == 'inside' and 'rw' in p.stdout.split()[0].split(',')
    assert not (e / 'sub' / 'f').exists()  # it went to the nested tmpfs, now gone


def test_symlinked_entry_is_writable_where_it_points(who, world_tmp):
    target = world_tmp / 'target'
    target.mkdir()
    owned_by(who, target)
    link = world_tmp / 'link'
    os.symlink(target, link)
    run(enc(who, str(link), 'touch', str(link / 'via-link')), check=0)
    assert (target / 'via-link').exists()


def test_mount_flags_are_a_superset_of_the_hosts(who, world_tmp):
    d = world_tmp / 'flags'
    d.mkdir()
    p = in_private_ns('''
mount -t tmpfs -o nosuid,nodev,noexec flagged "$D"
cat /proc/self/mountinfo; echo ===
$ENC '' cat /proc/self/mountinfo
''', env=dict(os.environ, D=str(d), ENC=enc_sh(who)), check=0)
    host_text, _, inside_text = p.stdout.partition('===\n')
    host, inside = {}, {}
    for point, opts in mountinfo(host_text):
        host[point] = opts
    for point, opts in mountinfo(inside_text):
        inside[point] = opts
    assert {'ro', 'nosuid', 'nodev', 'noexec'} <= inside[str(d)]
    compared = 0
    for point, opts in inside.items():
        if point not in host or point == '/proc':
            continue
        want = host[point] & {'ro', 'nosuid', 'nodev', 'noexec'}
        assert want <= opts, (point, host[point], opts)
        compared += 1
    assert compared >= 5


def test_a_mount_point_with_a_space_breaks_nothing(who, world_tmp):
    d = world_tmp / 'a b'
    d.mkdir()
    e = world_tmp / 'c d'
    e.mkdir()
    owned_by(who, e)
    p = in_private_ns('''
mount -t tmpfs -o mode=1777 spaced "$D"
$ENC "$E" sh -c 'touch "$E/ok"; touch "$D/no" 2>&1 || true'
''', env=dict(os.environ, D=str(d), E=str(e), ENC=enc_sh(who)), check=0)
    assert 'Read-only file system' in p.stdout
    assert (e / 'ok').exists()


REMOUNT_PROBE = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
for flags in (32, 32 | 4096):  # MS_REMOUNT (rw), MS_REMOUNT|MS_BIND (rw)
    r = libc.mount(None, b"/", None, flags, None)
    print(r, ctypes.get_errno())
"""


def test_remount_and_nested_user_namespace_cannot_make_it_writable(who):
    # Root inside may not map uid 0 into a new user namespace (the kernel
    # wants CAP_SETFCAP for that), so root's nested namespace stays unmapped;
    # it holds every capability there all the same.
    u = '-Um' if who == 'root' else '-Urm'
    p = run(enc(who, '', 'sh', '-c', '''
mount -o remount,rw / 2>/dev/null && echo REMOUNTED
"$1" -c "$2"
unshare %s "$1" -c "$2"
umount /proc 2>/dev/null && echo UNMOUNTED
touch /etc/x 2>/dev/null && echo WROTE
echo done''' % u, 'sh', PY, REMOUNT_PROBE), check=0)
    eperm = '-1 %d' % errno.EPERM
    lines = p.stdout.splitlines()
    # Where the kernel has Landlock, the nested unshare cannot even set up
    # its mount propagation (Landlock refuses every mount change); under
    # nouserns (setuid) the nested user namespace is refused outright, as on
    # the machines the setuid mode is for: then only the direct probe's two
    # lines are there.
    assert lines in ([eperm] * 4 + ['done'], [eperm] * 2 + ['done']), p.stdout
    if who == 'setuid':
        assert lines == [eperm] * 2 + ['done'], p.stdout


def test_a_host_mount_made_during_the_run_is_not_writable_inside(who, world_tmp):
    m = world_tmp / 'late'
    m.mkdir()
    sync = world_tmp / 'sync'
    sync.mkdir()
    owned_by(who, sync)
    flag = world_tmp / 'flag'
    p = in_private_ns('''
$ENC "$S" sh -c 'touch "$S/ready"; while [ ! -e "$F" ]; do sleep 0.02; done; touch "$M/x" 2>&1; grep -c " $M " /proc/self/mountinfo' > "$OUT" 2>&1 &
while [ ! -e "$S/ready" ]; do sleep 0.02; done
mount -t tmpfs -o mode=1777 late "$M"
touch "$F"
wait $! || true
ls -A "$M"
''', env=dict(os.environ, M=str(m), F=str(flag), S=str(sync), OUT=str(world_tmp / 'out'),
              ENC=enc_sh(who)), check=0)
    out = (world_tmp / 'out').read_text()
    assert 'Read-only file system' in out and out.split()[-1] == '0', out
    assert p.stdout == ''


# --- processes, /proc, identity ------------------------------------------------------

@pytest.fixture
def host_sleeper(world_tmp, who):
    """A host process owned by WHO (a private copy of sleep)."""
    copy = world_tmp / 'sleep'
    shutil.copy('/bin/sleep', copy)
    os.chmod(copy, 0o755)
    cmd = [str(copy), '1000']
    p = subprocess.Popen(as_who(who, cmd))
    yield p
    p.kill()
    p.wait()


def test_host_pids_are_invisible_and_unreachable(who, world_tmp, host_sleeper):
    pid = host_sleeper.pid
    target = world_tmp / 'via-proc-root'
    p = run(enc(who, '', 'sh', '-c', '''
ls /proc | grep -c '^[0-9]'
kill -0 "$1" 2>/dev/null && echo KILLED
test -e "/proc/$1" && echo VISIBLE
echo x 2>/dev/null > "/proc/$1/root$2" && echo WROTE
echo done''', 'sh', str(pid), str(target)), check=0)
    lines = p.stdout.split()
    assert int(lines[0]) <= 4 and lines[1:] == ['done'], p.stdout
    assert not target.exists()
    assert host_sleeper.poll() is None


def test_ps_shows_the_reaper_and_command_only(who):
    p = run(enc(who, '', 'sh', '-c', 'ps -e -o pid= -o comm='), check=0)
    rows = [l.split() for l in p.stdout.splitlines()]
    assert [r[0] for r in rows[:2]] == ['1', '2'] and len(rows) == 3, rows


def test_on_the_host_only_the_waiter_and_the_reaper_while_command_runs(who):
    """The network namespace is made beside the view by a helper process,
    which exits once the reaper has joined it and is reaped by the waiter:
    then the host sees the waiter, its one child the reaper, and COMMAND
    under it, in a network namespace that is not the host's."""
    p = subprocess.Popen(enc(who, '', 'sh', '-c', 'echo ready; exec sleep 30'),
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == 'ready\n'
        # The helper may still be on its way out (or a zombie) just now.
        deadline = time.monotonic() + 10
        while len(children(p.pid)) != 1:
            assert time.monotonic() < deadline, children(p.pid)
            time.sleep(0.01)
        kids = children(p.pid)
        command = children(kids[0])
        assert len(command) == 1, command
        # 'ready' comes just before the exec.
        while os.readlink('/proc/%d/exe' % command[0]) != os.path.realpath('/bin/sleep'):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert os.readlink('/proc/%d/ns/net' % command[0]) != os.readlink('/proc/self/ns/net')
    finally:
        p.kill()
        p.wait()


def test_no_capabilities_and_no_new_privs(who):
    p = run(enc(who, '', 'grep', '-E', '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):',
                '/proc/self/status'), check=0)
    fields = dict(l.split(':\t') for l in p.stdout.splitlines())
    assert fields == {'CapInh': '0000000000000000', 'CapPrm': '0000000000000000',
                      'CapEff': '0000000000000000', 'CapBnd': '0000000000000000',
                      'CapAmb': '0000000000000000', 'NoNewPrivs': '1'}


def test_id_inside_equals_outside_and_environment_is_unchanged(who, world_tmp):
    env = dict(os.environ, ODD='a b\tc', PWD=str(world_tmp))
    outside = run(as_who(who, ['id']), check=0, env=env)
    inside = run(enc(who, '', 'id'), check=0, env=env)
    assert inside.stdout == outside.stdout
    e = run(enc(who, '', 'env', '-0'), check=0, env=env, cwd=str(world_tmp))
    got = dict(kv.split('=', 1) for kv in e.stdout.split('\0') if kv)
    assert got['ODD'] == 'a b\tc' and got['PWD'] == str(world_tmp)


def test_root_inside_cannot_reach_disks_or_kernel_knobs(who):
    disk = next((os.path.join('/dev', n) for n in sorted(os.listdir('/sys/class/block'))
                 if os.path.exists(os.path.join('/dev', n))), None)
    with open('/proc/sys/kernel/core_pattern') as f:
        pattern = f.read()
    p = run(enc(who, '', PY, '-c', '''
import os, sys
disk, pattern = sys.argv[1], sys.argv[2]
for path, data in ((disk, None), ("/proc/sys/kernel/core_pattern", pattern), ("/proc/sysrq-trigger", None)):
    if path == "-":
        continue
    try:
        fd = os.open(path, os.O_RDONLY if data is None else os.O_WRONLY)
        if data is not None:
            os.write(fd, data.encode())  # the same value: harmless if it got through
        print(path, "OPENED")
    except OSError as e:
        print(path, e.errno)
''', disk or '-', pattern), check=0)
    for line in p.stdout.splitlines():
        assert 'OPENED' not in line, p.stdout
    with open('/dev/null', 'w'):
        pass


def test_dev_null_and_zero_work(who):
    p = run(enc(who, '', 'sh', '-c', 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1'),
            check=0)
    assert p.stdout.split() == ['00', '00', '00', '00']


# --- network, IPC, hostname ------------------------------------------------------------

def test_only_lo_and_it_is_up(who):
    p = run(enc(who, '', PY, '-c', '''
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
c = socket.create_connection(s.getsockname(), timeout=5); a, _ = s.accept()
c.send(b"ping"); print(a.recv(4).decode())
try:
    socket.create_connection(("192.0.2.1", 80), timeout=2); print("REACHED")
except OSError as e:
    print("unreachable")
print(open("/proc/net/dev").read().split("\\n")[2:])
'''), check=0)
    lines = p.stdout.splitlines()
    assert lines[0] == 'ping' and lines[1] == 'unreachable'
    assert eval(lines[2])[0].split(':')[0].strip() == 'lo' and len([x for x in eval(lines[2]) if x]) == 1
    up = run(enc(who, '', 'cat', '/sys/class/net/lo/operstate'), check=0)  # host sysfs: just no crash
    assert up.returncode == 0


def test_host_abstract_socket_is_unreachable(who):
    name = '\0isobox-test-%d' % os.getpid()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(name)
    srv.listen(1)
    try:
        code = ('import socket\ns = socket.socket(socket.AF_UNIX)\n'
                'try:\n s.connect(%r); print("CONNECTED")\nexcept OSError as e: print(e.errno)' % name)
        outside = run(as_who(who, [PY, '-c', code]), check=0)
        inside = run(enc(who, '', PY, '-c', code), check=0)
    finally:
        srv.close()
    assert outside.stdout.strip() == 'CONNECTED'
    assert inside.stdout.strip() == str(errno.ECONNREFUSED)


def test_sysv_ipc_and_hostname_are_the_sandboxs_own(who):
    key = run(['ipcmk', '-M', '4096'], check=0).stdout.split()[-1]
    try:
        outside = run(['ipcs', '-m'], check=0).stdout
        assert key in outside
        inside = run(enc(who, '', 'ipcs', '-m'), check=0).stdout
        assert key not in inside
    finally:
        run(['ipcrm', '-m', key], check=0)
    host = socket.gethostname()
    p = run(enc(who, '--hostname', 'sandbox', '', 'sh', '-c', 'hostname; hostname other 2>/dev/null; hostname'),
            check=0)
    assert p.stdout.split() == ['sandbox', 'sandbox']
    assert run(enc(who, '', 'hostname'), check=0).stdout.strip() == host
    assert socket.gethostname() == host


NS_KINDS = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'uts']


def test_every_namespace_is_new(who):
    script = 'for n in %s; do readlink /proc/self/ns/$n; done' % ' '.join(NS_KINDS)
    outside = run(['sh', '-c', script], check=0).stdout.split()
    inside = run(enc(who, '', 'sh', '-c', script), check=0).stdout.split()
    assert len(inside) == len(NS_KINDS) and all(a != b for a, b in zip(inside, outside)), (inside, outside)
    shared = run(enc(who, '--share-net', '', 'sh', '-c', script), check=0).stdout.split()
    assert shared[NS_KINDS.index('net')] == outside[NS_KINDS.index('net')]


def test_share_net_keeps_the_host_network(who):
    host = sorted(os.listdir('/sys/class/net'))
    p = run(enc(who, '--share-net', '', PY, '-c',
                'print(sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:]))'),
            check=0)
    assert eval(p.stdout) == host


# --- terminal ----------------------------------------------------------------------------

def read_until(fd, want, timeout=20):
    buf = b''
    deadline = time.monotonic() + timeout
    while want not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError('timeout waiting for %r; got %r' % (want, buf))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b''
            if not chunk:
                raise AssertionError('EOF waiting for %r; got %r' % (want, buf))
            buf += chunk
    return buf


def on_pty(cmd, **kw):
    """Start cmd as a session leader whose controlling terminal is a new pty."""
    master, slave = os.openpty()

    def ctty():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                         preexec_fn=ctty, **kw)
    os.close(slave)
    return p, master


def finish(p, master):
    """Wait for the end (reading on, so output never blocks), then hang up."""
    deadline = time.monotonic() + 20
    while p.poll() is None and time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                os.read(master, 4096)
            except OSError:
                pass
    os.close(master)
    if p.poll() is None:
        p.kill()
    p.wait()


TIOCSTI_PROBE = '''
import fcntl, sys
for req in (0x5412, 0x100005412, 0xffffffff00005412):
    try:
        fcntl.ioctl(0, req, b"#")
        print("INJECTED", hex(req))
    except OSError as e:
        print("errno", e.errno)
try:
    fcntl.ioctl(0, 0x541C, bytes([2]) + bytes(10))
    print("TIOCLINUX ok")
except OSError as e:
    print("errno", e.errno)
print("end")
'''


def test_tiocsti_injection_through_a_pty_fails(who):
    # Control: the same probe outside does inject (when the kernel allows it).
    legacy = open('/proc/sys/dev/tty/legacy_tiocsti').read().strip() == '1' \
        if os.path.exists('/proc/sys/dev/tty/legacy_tiocsti') else True
    p, m = on_pty(as_who(who, [PY, '-c', TIOCSTI_PROBE]))
    out = read_until(m, b'end')
    finish(p, m)
    if legacy:
        assert b'INJECTED 0x5412' in out
    p, m = on_pty(enc(who, '', PY, '-c', TIOCSTI_PROBE))
    out = read_until(m, b'end')
    finish(p, m)
    assert b'INJECTED' not in out
    assert out.count(b'errno %d' % errno.EPERM) == 4, out
    assert p.returncode == 0


def test_job_control_works_in_an_interactive_shell(who, world_tmp):
    sleeper = world_tmp / 'sleep'
    shutil.copy('/bin/sleep', sleeper)
    env = dict(os.environ, PS1='PROMPT$ ', TERM='dumb')
    p, m = on_pty(enc(who, '', 'bash', '--norc', '--noprofile', '-i'), env=env)
    try:
        out = read_until(m, b'PROMPT$ ')
        assert b'no job control' not in out
        os.write(m, b'%s 1000\n' % str(sleeper).encode())
        time.sleep(0.5)
        os.write(m, b'\x1a')  # ^Z
        read_until(m, b'Stopped')
        os.write(m, b'jobs -l; bg; echo BG-DONE\n')
        read_until(m, b'BG-DONE')
        os.write(m, b'kill %1; wait; echo $$; exit 5\n')
        out = read_until(m, b'\n2\r\n')
    finally:
        finish(p, m)
    assert p.returncode == 5


def test_a_background_sandbox_leaves_the_terminal_to_the_shell(who, world_tmp):
    sleeper = world_tmp / 'sleep'
    shutil.copy('/bin/sleep', sleeper)
    env = dict(os.environ, PS1='PROMPT$ ', TERM='dumb')
    cmd = ' '.join(shlex.quote(a) for a in enc(who, '', str(sleeper), '3'))
    p, m = on_pty(['bash', '--norc', '--noprofile', '-i'], env=env)
    try:
        read_until(m, b'PROMPT$ ')
        os.write(m, cmd.encode() + b' &\n')
        time.sleep(0.5)
        os.write(m, b'echo alive-$((20+22))\n')
        read_until(m, b'alive-42', timeout=10)
        os.write(m, b'wait; exit 3\n')
    finally:
        finish(p, m)
    assert p.returncode == 3


def test_dev_tty_works_with_a_terminal(who):
    p, m = on_pty(enc(who, '', 'sh', '-c', 'echo hello-tty > /dev/tty; tty; echo end'))
    out = read_until(m, b'end')
    finish(p, m)
    # The terminal works through /dev/tty and the fds; its name in the host's
    # devpts is out of sight on purpose (the sandbox has its own devpts).
    assert b'hello-tty' in out and b'not a tty' in out and p.returncode == 0


# --- exit status, signals, life cycle --------------------------------------------------

@pytest.mark.parametrize('script,code', [
    ('exit 0', 0), ('exit 1', 1), ('exit 7', 7), ('exit 255', 255),
    ('kill -KILL $$', 137), ('kill -TERM $$', 143), ('kill -SEGV $$', 139),
])
def test_exit_status(who, script, code):
    assert run(enc(who, '', 'sh', '-c', script)).returncode == code


def test_exec_failures(who, world_tmp):
    env = dict(os.environ, PATH='/usr/bin:/bin')  # a PATH dir nobody cannot search gives EACCES
    p = run(enc(who, '', 'no-such-command-x'), env=env)
    assert p.returncode == 127 and len(p.stderr.splitlines()) == 1 and 'no-such-command-x' in p.stderr
    f = world_tmp / 'not-exec'
    f.write_text('#!/bin/sh\n')
    os.chmod(f, 0o644)
    p = run(enc(who, '', str(f)))
    assert p.returncode == 126 and len(p.stderr.splitlines()) == 1


def test_an_orphan_does_not_change_the_status_and_is_gone(who, world_tmp):
    sleeper = world_tmp / 'sleep'
    shutil.copy('/bin/sleep', sleeper)
    p = run(enc(who, '', 'sh', '-c', '"$1" 1000 & s=$!; (sleep 0.1; exit 9) & sleep 0.2; kill -0 $s && echo alive; exit 3',
                'sh', str(sleeper)), timeout=30)
    assert p.returncode == 3 and p.stdout == 'alive\n'
    # One that ignores TERM is killed after the grace time all the same.
    p = run(enc(who, '', 'sh', '-c', '(trap "" TERM; exec "$1" 1000) & sleep 0.2; exit 4', 'sh', str(sleeper)),
            timeout=30)
    assert p.returncode == 4
    assert not [pid for pid in os.listdir('/proc') if pid.isdigit() and
                os.path.exists('/proc/%s/exe' % pid) and safe_readlink(pid) == str(sleeper)]


def sleepers(path):
    return [pid for pid in os.listdir('/proc') if pid.isdigit() and safe_readlink(pid) == str(path)]


def safe_readlink(pid):
    try:
        return os.readlink('/proc/%s/exe' % pid)
    except OSError:
        return None


def test_signals_are_forwarded_and_trap_handlers_run(who):
    sigs = ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'WINCH', 'TERM']
    traps = ''.join('trap "echo got %s" %s; ' % (s, s) for s in sigs[:-1])
    script = traps + 'trap "echo got TERM; exit 42" TERM; echo ready; while :; do sleep 0.05; done'
    p = subprocess.Popen(enc(who, '', 'sh', '-c', script), stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == 'ready\n'
        for s in sigs:
            p.send_signal(getattr(signal, 'SIG' + s))
            assert p.stdout.readline() == 'got %s\n' % s
        assert p.wait(timeout=20) == 42
    finally:
        p.kill()
        p.wait()


@pytest.mark.parametrize('sig', ['KILL', 'TERM', 'HUP'])
def test_killing_encapsulate_leaves_nothing_running(who, world_tmp, sig):
    sleeper = world_tmp / 'sleep'
    shutil.copy('/bin/sleep', sleeper)
    p = subprocess.Popen(enc(who, '', 'sh', '-c', 'echo ready; "$1" 1000 & "$1" 1000',
                             'sh', str(sleeper)), stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline() == 'ready\n'
    deadline = time.monotonic() + 10
    while len(sleepers(sleeper)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(sleepers(sleeper)) == 2
    p.send_signal(getattr(signal, 'SIG' + sig))
    p.wait(timeout=20)
    p.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = sleepers(sleeper)
        if not left:
            break
        time.sleep(0.05)
    assert not left


def test_signals_at_any_moment_of_set_up_leave_no_trace(who):
    """The conftest fixture checks mounts, /tmp and processes afterwards."""
    for i in range(24):
        p = subprocess.Popen(enc(who, '', 'true'), stderr=subprocess.DEVNULL)
        time.sleep((i % 8) * 0.001)
        p.send_signal([signal.SIGKILL, signal.SIGTERM, signal.SIGHUP][i % 3])
        p.wait(timeout=20)


# --- argv, descriptors, cwd, options ---------------------------------------------------

def test_argv_passes_unchanged(who):
    args = ['a b', '', '-x', '--', '--tmpfs', '|', "'q'"]
    p = run(enc(who, '', 'printf', '[%s]\n') + args, check=0)
    assert p.stdout == ''.join('[%s]\n' % a for a in args)
    p = run(enc(who, '--', '', 'printf', '[%s]\n', '-v'), check=0)
    assert p.stdout == '[-v]\n'


def test_descriptors_above_2_are_closed_unless_kept(who, world_tmp):
    f = world_tmp / 'fdfile'
    f.write_text('')
    os.chmod(f, 0o666)
    fd5, fd7 = os.open(f, os.O_RDWR), os.open(f, os.O_RDWR)
    probe = ('import os, sys\n'
             'fds = [int(n) for n in sys.argv[1:] if os.path.exists("/proc/self/fd/" + n)]\n'
             'print(fds)\n'
             'for n in fds: os.write(n, b"w\\n")')
    try:
        p = run(enc(who, '', PY, '-c', probe, str(fd5), str(fd7)), check=0, pass_fds=(fd5, fd7))
        assert p.stdout == '[]\n'
        p = run(enc(who, '--keep-fd', str(fd5), '', PY, '-c', probe, str(fd5), str(fd7)),
                check=0, pass_fds=(fd5, fd7))
        assert p.stdout == '[%d]\n' % fd5
        assert f.read_text() == 'w\n'  # a kept descriptor is the caller's choice
    finally:
        os.close(fd5)
        os.close(fd7)


def test_working_directory_is_kept(who, world_tmp):
    d = world_tmp / 'in here'
    d.mkdir()
    p = run(enc(who, '', 'sh', '-c', 'pwd -P; echo "$PWD"'), cwd=str(d), env=dict(os.environ, PWD=str(d)),
            check=0)
    assert p.stdout.splitlines() == [str(d), str(d)]


def test_unreachable_working_directory_is_an_error_not_a_fallback(who, world_tmp):
    d = world_tmp / 'a' / 'b'
    d.mkdir(parents=True)
    p = run(enc(who, '--tmpfs', str(world_tmp / 'a'), '', 'touch', 'ran'), cwd=str(d))
    assert p.returncode == 125 and len(p.stderr.splitlines()) == 1 and str(d) in p.stderr
    gone = world_tmp / 'gone'
    gone.mkdir()
    p = run(enc(who, '', 'sh', '-c', 'touch ran'), cwd=str(gone), preexec_fn=lambda: os.rmdir(gone))
    assert p.returncode == 125 and len(p.stderr.splitlines()) == 1
    assert not list(world_tmp.rglob('ran'))


def test_tmpfs_option(who, world_tmp):
    d = world_tmp / 'scratch'
    d.mkdir()
    (d / 'hidden').write_text('')
    p = run(enc(who, '--tmpfs', str(d), '--tmpfs', '/tmp', '', 'sh', '-c',
                'ls -A "$1"; ls -A /tmp; stat -c %a "$1" /tmp; echo x > "$1/new"; echo x > /tmp/new; cat "$1/new"',
                'sh', str(d)), check=0)
    assert p.stdout.split() == ['1777', '1777', 'x']
    assert sorted(os.listdir(d)) == ['hidden']


def test_help_and_version():
    p = run([ISOBOX, 'encapsulate', '--help'], check=0)
    assert p.stdout.startswith('Usage: encapsulate [OPTIONS]') and '--keep-fd' in p.stdout
    p = run([ISOBOX, 'encapsulate', '--version'], check=0)
    assert p.stdout.startswith('encapsulate (isobox) ')


# --- bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize('args,names', [
    (['/no/such/entry', 'touch', 'RAN'], '/no/such/entry'),
    (['a||b', 'touch', 'RAN'], 'a||b'),
    (['|/tmp', 'touch', 'RAN'], '|/tmp'),
    (['relative/x', 'touch', 'RAN'], 'relative/x'),
    (['/tmp'], 'COMMAND'),
    ([], 'list'),
    (['--bogus', '', 'touch', 'RAN'], '--bogus'),
    (['--keep-fd', 'x', '', 'touch', 'RAN'], 'x'),
    (['--keep-fd', '77', '', 'touch', 'RAN'], '77'),
    (['--tmpfs', 'rel', '', 'touch', 'RAN'], 'rel'),
    (['--tmpfs', '/', '', 'touch', 'RAN'], 'root itself'),
    (['--tmpfs', '/./', '', 'touch', 'RAN'], 'root itself'),
    (['--tmpfs', '/no/such/dir', '', 'touch', 'RAN'], '/no/such/dir'),
    (['--hostname', 'x' * 65, '', 'touch', 'RAN'], 'hostname'),
])
def test_bad_input(who, world_tmp, args, names):
    p = run(enc(who, *args), cwd=str(world_tmp))
    assert p.returncode == 125, p
    assert len(p.stderr.splitlines()) == 1 and p.stderr.startswith('encapsulate: '), p.stderr
    assert names in p.stderr
    assert not (world_tmp / 'RAN').exists()


@pytest.fixture
def unprivileged(who):
    if who == 'root':
        pytest.skip('root reads and writes everything')
    return who


def refused_line(path):
    return "encapsulate: writable entry '%s' does not exist or you cannot read and write it\n" % path


def test_unreadable_entry_is_refused(unprivileged, world_tmp):
    who = unprivileged
    secret = world_tmp / 'secret'
    (secret / 'inner').mkdir(parents=True)
    os.chmod(secret, 0o700)
    p = run(enc(who, '%s/inner' % secret, 'touch', str(world_tmp / 'RAN')))
    assert p.returncode == 125 and p.stderr == refused_line('%s/inner' % secret)
    # Owned by the caller: in the user namespace encapsulate could read it
    # through CAP_DAC_OVERRIDE; it must look with the caller's permissions.
    locked = world_tmp / 'locked'
    locked.mkdir()
    os.chown(locked, NOBODY, NOBODY)
    os.chmod(locked, 0o300)
    p = run(enc(who, str(locked), 'touch', str(world_tmp / 'RAN')))
    assert p.returncode == 125 and p.stderr == refused_line(locked)
    assert not (world_tmp / 'RAN').exists()


def test_unwritable_entry_is_refused_whether_it_exists_or_not(unprivileged, world_tmp):
    """Same message for an existing entry the caller cannot write and for
    one that does not exist, in a folder only root can look into: nothing
    tells the caller what root sees."""
    who = unprivileged
    ran = world_tmp / 'RAN'
    readonly = world_tmp / 'readonly'
    readonly.mkdir()
    hidden = world_tmp / 'hidden'
    (hidden / 'there').mkdir(parents=True)
    os.chmod(hidden, 0o711)  # searchable, not listable
    os.chmod(hidden / 'there', 0o755)
    ro_file = world_tmp / 'ro-file'
    ro_file.write_text('')
    for entry in (readonly, '/etc', '/etc/shadow', '/', ro_file, hidden / 'there'):
        p = run(enc(who, str(entry), 'touch', str(ran)))
        assert (p.returncode, p.stderr) == (125, refused_line(entry)), (entry, p.stderr)
    p = run(enc(who, str(hidden / 'not-there'), 'touch', str(ran)))
    assert (p.returncode, p.stderr) == (125, refused_line(hidden / 'not-there'))
    os.chmod(hidden, 0o700)
    for entry in (hidden / 'there', hidden / 'not-there'):
        p = run(enc(who, str(entry), 'touch', str(ran)))
        assert (p.returncode, p.stderr) == (125, refused_line(entry)), (entry, p.stderr)
    assert not ran.exists()


# --- initramfs-style root --------------------------------------------------------------

def test_root_that_cannot_be_pivoted_uses_the_switch_root_path(tmp_path):
    """pivot_root refuses a root that is not a mount point (as it refuses the
    initramfs rootfs): a chroot into a plain directory takes the MS_MOVE +
    chroot path. A chrooted caller cannot create a user namespace (kernel
    rule), so this runs as root only."""
    busybox = shutil.which('busybox')
    if not busybox:
        pytest.skip('busybox-static not installed')
    if b'ld-linux' in open(ISOBOX, 'rb').read(4096):
        pytest.skip('the chroot needs a static binary (release variant)')
    root = tmp_path / 'root'
    for d in ('bin', 'proc', 'dev', 'tmp', 'w'):
        (root / d).mkdir(parents=True)
    shutil.copy(ISOBOX, root / 'bin' / 'isobox')
    shutil.copy(busybox, root / 'bin' / 'busybox')
    p = in_private_ns('''
mount -t proc proc "$R/proc"
mount --rbind /dev "$R/dev"
chroot "$R" /bin/isobox encapsulate -v /w /bin/busybox sh -c '
  /bin/busybox touch /w/ok; /bin/busybox touch /tmp/no 2>&1; /bin/busybox ls /proc | /bin/busybox grep -c "^[0-9]"'
''', env=dict(os.environ, R=str(root)), check=0)
    assert 'MS_MOVE + chroot' in p.stderr
    assert 'Read-only file system' in p.stdout and int(p.stdout.split()[-1]) <= 4
    assert (root / 'w' / 'ok').exists()


# --- kernels without mount_setattr (before 5.12): the mountinfo walk --------------------

SYS_MOUNT_SETATTR = 442  # x86_64 (and every architecture with the unified table)
UNSTACK = 'for m in $(findmnt -rn -o TARGET | sort | uniq -d); do umount "$m"; done\n'


def enosys_enc(who):
    """Shell words: encapsulate as WHO on a kernel that says ENOSYS to mount_setattr."""
    if who == 'setuid':
        pytest.skip('enosys sets no_new_privs: nothing setuid gains privilege beneath it')
    cmd = [tool('enosys'), str(SYS_MOUNT_SETATTR), ISOBOX, 'encapsulate']
    return ' '.join(shlex.quote(a) for a in as_who(who, cmd))


@pytest.fixture
def x86_64():
    if os.uname().machine != 'x86_64':
        pytest.skip('syscall number of mount_setattr hard-wired for x86_64')


def test_without_mount_setattr_every_mount_is_still_read_only(who, world_tmp, x86_64):
    w = world_tmp / 'w'
    w.mkdir()
    owned_by(who, w)
    d = world_tmp / 'flagged'
    d.mkdir()
    p = in_private_ns(UNSTACK + '''
mount -t tmpfs -o nosuid,nodev,noexec flagged "$D"
$ENC -v "$W" sh -c 'touch "$W/ok"; touch /etc/x "$D/x" 2>&1; cat /proc/self/mountinfo'
''', env=dict(os.environ, W=str(w), D=str(d), ENC=enosys_enc(who)), check=0)
    assert 'no mount_setattr: remounting each mount read-only' in p.stderr
    assert p.stdout.count('Read-only file system') == 2 and (w / 'ok').exists()
    mounts = mountinfo(''.join(l + '\n' for l in p.stdout.splitlines() if l[:1].isdigit()))
    assert {'ro', 'nosuid', 'nodev', 'noexec'} <= dict(mounts)[str(d)]
    for point, opts in mounts:
        if point in ('/proc', '/dev/pts', '/dev/ptmx', str(w)):
            continue  # the entry, the fresh /proc and devpts
        assert 'ro' in opts, (point, opts)
        if point in ('/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom',
                     '/dev/tty'):  # device nodes: read-only but usable
            assert 'nodev' not in opts, (point, opts)


def test_without_mount_setattr_a_covered_mount_fails_closed(who, world_tmp, x86_64):
    """A mount hidden under another cannot be reached to be remounted: the
    original encapsulate left it writable; here the run is refused."""
    a = world_tmp / 'a'
    (a / 'b').mkdir(parents=True)
    p = in_private_ns(UNSTACK + '''
mount -t tmpfs -o mode=1777 inner "$A/b"
mount -t tmpfs -o mode=1777 cover "$A"
$ENC '' touch "$RAN"
''', env=dict(os.environ, A=str(a), RAN=str(world_tmp / 'RAN'), ENC=enosys_enc(who)))
    assert p.returncode == 125, p
    assert len(p.stderr.splitlines()) == 1 and '%s/b' % a in p.stderr and 'covered' in p.stderr
    assert not (world_tmp / 'RAN').exists()


def test_root_as_an_entry_makes_the_view_writable_but_keeps_the_rest(world_tmp):
    """'/' as an entry covers the read-only tree; /proc, the device nodes and
    the lack of capabilities stay what they always are. (Only root may write
    "/": for anyone else it is refused, test_unwritable_entry_is_refused.)"""
    who = 'root'
    p = run(enc(who, '/', 'sh', '-c', 'touch "$1/x" && echo x > /dev/null && ls /proc | grep -c "^[0-9]";'
                'grep CapEff /proc/self/status', 'sh', str(world_tmp)), check=0)
    assert int(p.stdout.split()[0]) <= 4 and p.stdout.split()[-1] == '0000000000000000'
    assert (world_tmp / 'x').exists()


def test_enosys_tool_fakes_a_missing_syscall_only():
    probe = ('import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n'
             'print(libc.syscall(%d, -1, None, 0, None, 0), ctypes.get_errno(), os.getpid() > 0)'
             % SYS_MOUNT_SETATTR)
    assert run([tool('enosys'), str(SYS_MOUNT_SETATTR), PY, '-c', probe], check=0).stdout == \
        '-1 %d True\n' % errno.ENOSYS
    assert run([PY, '-c', probe], check=0).stdout != '-1 %d True\n' % errno.ENOSYS


def test_without_user_namespaces_an_unprivileged_caller_gets_one_line_and_125(world_tmp):
    p = run([tool('nouserns'), str(NOBODY), str(NOBODY), ISOBOX, 'encapsulate', '', 'touch',
             str(world_tmp / 'RAN')])
    assert p.returncode == 125 and len(p.stderr.splitlines()) == 1
    assert 'user namespace' in p.stderr and not (world_tmp / 'RAN').exists()


# --- ways around the mount flags (security review) ---------------------------------

def test_inherited_readonly_fd_cannot_be_reopened_for_writing(who, world_tmp):
    f = world_tmp / 'input'
    f.write_text('original\n')
    os.chmod(f, 0o666)
    with open(f) as stdin:
        p = run(enc(who, '', 'sh', '-c', 'echo HIJACKED > /proc/self/fd/0; cat'), stdin=stdin)
    assert p.stdout == 'original\n' and 'cannot create' in p.stderr
    assert f.read_text() == 'original\n'


def test_inherited_host_directory_fd_cannot_be_written_through(who, world_tmp):
    d = world_tmp / 'dir'
    d.mkdir()
    os.chmod(d, 0o777)
    fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    try:
        p = run(enc(who, '--keep-fd', str(fd), '', PY, '-c',
                    'import os, sys\n'
                    'fd = int(sys.argv[1])\n'
                    'try:\n'
                    '    os.close(os.open("made-inside", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))\n'
                    '    print("created")\n'
                    'except OSError as e:\n'
                    '    print(e.errno)\n', str(fd)), pass_fds=[fd])
    finally:
        os.close(fd)
    assert p.stdout.strip() != 'created'
    assert not (d / 'made-inside').exists()


def test_fifo_outside_the_list_cannot_be_written(who, world_tmp):
    fifo = world_tmp / 'fifo'
    os.mkfifo(fifo, 0o666)
    rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        p = run(enc(who, '', 'sh', '-c', 'echo FROM-SANDBOX > "$1"', 'sh', str(fifo)))
        assert p.returncode != 0
        try:
            data = os.read(rfd, 100)
        except BlockingIOError:
            data = b''
        assert data == b''
    finally:
        os.close(rfd)


def test_writes_inside_entries_and_to_dev_null_still_work(who, world_tmp):
    d = world_tmp / 'w'
    d.mkdir()
    owned_by(who, d)
    p = run(enc(who, str(d), 'sh', '-c', 'mkdir "$1/sub" && echo ok > "$1/sub/f" && '
                'mv "$1/sub/f" "$1/g" && rm -r "$1/sub" && echo x > /dev/null && cat "$1/g"',
                'sh', str(d)), check=0)
    assert p.stdout == 'ok\n'
    assert (d / 'g').read_text() == 'ok\n'


def test_command_cannot_read_the_reapers_memory(who):
    p = run(enc(who, '', 'sh', '-c', 'cat /proc/1/environ >/dev/null 2>&1 && echo readable || echo denied'),
            check=0)
    assert p.stdout == 'denied\n'


def test_own_devpts_hides_the_hosts_terminals_and_makes_ptys(who):
    import pty
    master, slave = pty.openpty()  # a terminal of ours on the host
    try:
        name = os.ttyname(slave)
        p = run(enc(who, '', PY, '-c',
                    'import os, sys\n'
                    'print(sorted(os.listdir("/dev/pts")))\n'
                    'print(os.path.exists(sys.argv[1]))\n'
                    'm, s = os.openpty(); print(os.ttyname(s))\n', name), check=0)
    finally:
        os.close(master)
        os.close(slave)
    listing, host_visible, made = p.stdout.splitlines()
    assert listing == "['ptmx']" and host_visible == 'False' and made == '/dev/pts/0'


def test_kernel_keyrings_are_out_of_reach(who):
    p = run(enc(who, '', PY, '-c',
                'import ctypes\n'
                'l = ctypes.CDLL(None, use_errno=True)\n'
                'print(l.syscall(250, 0, -3, 0), ctypes.get_errno())\n'        # keyctl(GET_KEYRING_ID, @u)
                'print(l.syscall(248, b"user", b"k", b"v", 1, -4), ctypes.get_errno())\n'),  # add_key to @u
            check=0)
    assert p.stdout.split() == ['-1', str(errno.EPERM)] * 2


SYS_PIDFD_OPEN = 434  # x86_64 (and every architecture with the unified table)


def test_without_pidfd_open_the_network_namespace_is_made_with_the_others(who, x86_64):
    """A seccomp profile (or a kernel before 5.3) that refuses pidfd_open:
    no helper, the network namespace comes with the others, lo still up,
    and COMMAND still PID 2 alone with its reaper."""
    if who == 'setuid':
        pytest.skip('enosys sets no_new_privs: nothing setuid gains privilege beneath it')
    cmd = as_who(who, [tool('enosys'), str(SYS_PIDFD_OPEN), ISOBOX, 'encapsulate', '', 'sh', '-c',
                       'readlink /proc/self/ns/net; tail -n +3 /proc/net/dev | cut -d: -f1; '
                       'ip -o link show lo | grep -c "[<,]UP[,>]"; ps -e -o pid='])
    out = run(cmd, check=0).stdout.split()
    assert out[0] != os.readlink('/proc/self/ns/net'), out
    assert out[1:] == ['lo', '1', '1', '2', out[-1]] and len(out) == 6, out

