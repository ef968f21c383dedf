"""A setuid-root copy of isobox: every applet but encapsulate (the one flagged
APPLET_PRIV) and the front end run with the caller's real ids before parsing
anything; encapsulate answers --help with them too. Its setuid mode is
tested in test_encapsulate_setuid.py."""
import os
import shutil
import subprocess
import time

import pytest

from conftest import full_pipe, NOBODY, applet_names, as_nobody, run



@pytest.fixture
def setuid_copy(world_tmp, isobox):
    if os.geteuid() != 0:
        pytest.skip('needs root to make a setuid copy')
    if os.statvfs(world_tmp).f_flag & os.ST_NOSUID:
        pytest.skip('test folder is on a nosuid mount')
    copy = world_tmp / 'isobox'
    shutil.copy(isobox, copy)
    os.chown(copy, 0, 0)
    os.chmod(copy, 0o4755)
    return str(copy)


def ids_while_blocked(cmd, exe):
    """Run cmd with stdout on a full pipe; read its ids from /proc while its
    first write to stdout blocks."""
    r, w = full_pipe()
    p = subprocess.Popen(cmd, stdout=w, stderr=subprocess.PIPE)
    os.close(w)
    status = None
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if os.readlink('/proc/%d/exe' % p.pid) == exe:
                    with open('/proc/%d/status' % p.pid) as f:
                        text = f.read()
                    if '\nState:\tS' in text:
                        status = text
                        break
            except OSError:
                pass
            time.sleep(0.01)
    finally:
        with os.fdopen(r, 'rb') as f:
            f.read()
        p.wait(timeout=10)
    assert status, 'the applet never blocked on its output'
    return {line.split(':')[0]: line.split()[1:] for line in status.splitlines()
            if line.startswith(('Uid:', 'Gid:'))}


@pytest.mark.parametrize('name', applet_names())
def test_applet_runs_with_real_ids(setuid_copy, name):
    ids = ids_while_blocked(as_nobody([setuid_copy, name, '--help']), setuid_copy)
    assert ids['Uid'] == [str(NOBODY)] * 4
    assert ids['Gid'] == [str(NOBODY)] * 4


def test_applet_link_runs_with_real_ids(setuid_copy, world_tmp):
    link = world_tmp / 'nsinit'
    os.symlink(setuid_copy, link)
    ids = ids_while_blocked(as_nobody([str(link), '--help']), setuid_copy)
    assert ids['Uid'] == [str(NOBODY)] * 4


def test_front_end_runs_with_real_ids(setuid_copy):
    ids = ids_while_blocked(as_nobody([setuid_copy, '--help']), setuid_copy)
    assert ids['Uid'] == [str(NOBODY)] * 4


def test_install_through_setuid_copy_cannot_write_root_folder(setuid_copy, tmp_path):
    target = tmp_path / 'rootonly'
    target.mkdir(mode=0o755)
    os.chmod(tmp_path, 0o755)
    p = run(as_nobody([setuid_copy, '--install', '-s', str(target)]))
    assert p.returncode == 125
    assert 'Permission denied' in p.stderr
    assert os.listdir(target) == []
    # Root itself can (control: the folder and binary are usable).
    run([setuid_copy, '--install', '-s', str(target)], check=0)
    assert sorted(os.listdir(target)) == applet_names()
