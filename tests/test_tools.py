"""The test tools themselves: a tool that lies makes every test using it lie."""
import os
import shutil

import pytest

from conftest import run, tool


def test_nouserns_blocks_user_namespaces_only(world_tmp):
    t = tool('nouserns')
    p = run([t, '65534', '65534', 'unshare', '-U', 'true'])
    assert p.returncode != 0 and 'Operation not permitted' in p.stderr
    p = run([t, '0', '0', 'unshare', '-U', 'true'])
    assert p.returncode != 0
    assert run([t, '65534', '65534', 'sh', '-c', 'id -u; id -g'], check=0).stdout == '65534\n65534\n'
    # Other namespaces still work for root, and a fork still works (clone3 -> clone).
    run([t, '0', '0', 'unshare', '-u', '-f', 'true'], check=0)
    # A setuid-root program run below still gains its privilege.
    copy = world_tmp / 'setpriv'
    shutil.copy('/usr/bin/setpriv', copy)
    os.chmod(copy, 0o4755)
    out = run([t, '65534', '65534', str(copy), '--dump'], check=0).stdout
    assert 'uid: 65534' in out and 'euid: 0' in out
