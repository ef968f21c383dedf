"""The initramfs boot test (issue 8): a real Debian kernel boots under qemu
(TCG) an initramfs whose tools are isobox, and the checks in
tests/initramfs/rc report on the serial console. tests/initramfs/run does the
work; these tests hold it to its word."""
import os
import re

import pytest

from conftest import ROOT, VARIANT, run

RUN = os.path.join(ROOT, 'tests', 'initramfs', 'run')
EXIT_SKIP = 77


def rc_checks():
    """The checks of tests/initramfs/rc in order, from its `run NAME APPLET...`
    lines: {name: [applets it needs]}."""
    with open(os.path.join(ROOT, 'tests', 'initramfs', 'rc')) as f:
        return {m.group(1): m.group(2).split()
                for m in re.finditer(r'^\s*run (\w+)(.*)$', f.read(), re.M)}


CHECKS = rc_checks()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(VARIANT != 'release', reason='the initramfs boot needs the static release '
                       'binary as its tools; it runs in the release variant'),
]


def boot(isobox, tmp_path, *args):
    p = run([RUN, '--quiet', '--binary', isobox, '--outdir', str(tmp_path)] + list(args),
            timeout=600)
    if p.returncode == EXIT_SKIP:
        if os.environ.get('ISOBOX_MUST_WORK'):
            pytest.fail('qemu must work here: ' + p.stderr)
        pytest.skip('qemu cannot run here: ' + p.stderr.strip().splitlines()[-1])
    return p


def console_of(tmp_path):
    with open(tmp_path / 'console.log', errors='replace') as f:
        return f.read()


def implemented(isobox, name):
    p = run([isobox, name, '/nonexistent/probe'], timeout=30)
    return 'not implemented yet' not in p.stderr


def test_boot_with_isobox_as_the_tools(isobox, tmp_path):
    p = boot(isobox, tmp_path)
    console = console_of(tmp_path)
    assert p.returncode == 0, (p.stdout, p.stderr, console[-3000:])
    results = re.findall(r'^(PASS|FAIL|SKIP) (\w+):', p.stdout, re.M)
    # Every check reports exactly once, in order.
    assert [name for _, name in results] == list(CHECKS), p.stdout
    status = dict((name, verdict) for verdict, name in results)
    assert status['boot'] == status['isobox'] == 'PASS'
    # A check may be skipped only while an applet it needs is a placeholder.
    for check, applets in CHECKS.items():
        if all(implemented(isobox, a) for a in applets):
            assert status[check] == 'PASS', (check, p.stdout)
    assert 'Kernel panic' not in console
    assert 'reboot: Power down' in console
    if implemented(isobox, 'nsinit'):
        assert 'init nsinit' in p.stderr, p.stderr


def test_an_init_that_exits_is_caught_as_a_kernel_panic(isobox, tmp_path):
    # The verdict must be able to fail: PID 1 exiting panics the kernel.
    p = boot(isobox, tmp_path, '--init', '/bin/isobox --version')
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert 'kernel panic' in p.stderr
    assert 'Attempted to kill init' in console_of(tmp_path)
