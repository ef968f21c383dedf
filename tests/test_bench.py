"""tests/bench/run, the single benchmark entry point, still runs (figures
are never asserted: benchmarks are not timed tests)."""
import os
import shutil

import pytest

from conftest import ROOT, TOOLS, run

BENCH = os.path.join(ROOT, 'tests', 'bench', 'run')


def test_bench_framework_runs_size_and_startup(isobox):
    p = run([BENCH, '--binary', isobox, '--reps', '5', '--only', 'size', 'startup',
             '--no-write'], timeout=120, check=0)
    assert '== Binary size' in p.stdout
    assert '== Start-up' in p.stdout
    assert 'target whole binary under 80 KB stripped:' in p.stdout
    assert '== Machine' in p.stdout
    assert p.stderr == ''


def test_bench_floor_module_runs(isobox):
    """The floor module (tools/floor vs encapsulate) runs and states its target."""
    tools = os.path.join(os.path.dirname(os.path.abspath(isobox)), 'tools')
    if not os.access(os.path.join(tools, 'floor'), os.X_OK):
        pytest.skip('no %s/floor (ISOBOX binary outside its build tree)' % tools)
    p = run([BENCH, '--binary', isobox, '--reps', '5', '--only', 'floor', '--no-write'],
            timeout=120, check=0)
    assert '== encapsulate: the floor' in p.stdout
    assert 'target encapsulate within 1.5x of the floor:' in p.stdout
    assert p.stderr == ''


def test_floor_tool_runs_command_under_a_fresh_pid_1():
    """tools/floor: COMMAND runs as PID 2 under a PID 1 with a fresh /proc, in
    a network namespace of its own with lo up; its status comes back."""
    p = run([os.path.join(TOOLS, 'floor'), '/bin/sh', '-c',
             'echo $$; cat /proc/1/comm; tail -n +3 /proc/net/dev | cut -d: -f1; '
             'grep -c "127.0.0.1" /proc/net/fib_trie; exit 7'], timeout=30, check=7)
    pid, init, nets, local = [x.strip() for x in p.stdout.split('\n')[:4]]
    assert (pid, init, nets) == ('2', 'floor', 'lo')
    assert int(local) > 0  # lo is up: the kernel added 127.0.0.1's local route


def test_bench_applet_modules_state_a_target_per_peer(isobox):
    """Issue 8: each applet's module states "faster than PEER" for every
    installed peer (met or missed: figures are not asserted), and the ssd
    module leaves none of its private daemons running."""
    wanted = [  # (what, the peer's program, its label in the report)
        ('ssd-isolate --status -p PIDFILE', 'start-stop-daemon', 'start-stop-daemon'),
        ('ssd-isolate --stop -p PIDFILE -x DAEMON', 'start-stop-daemon', 'start-stop-daemon'),
        ('nsinit start-up', 'tini', 'tini'),
        ('nsinit start-up', 'catatonit', 'catatonit'),
        ('encapsulate start-up as uid %d' % os.getuid(), 'bwrap', 'bwrap')]
    if os.getuid() == 0:  # the target container needs root
        wanted += [('nsenter-lite start-up', 'nsenter', 'util-linux nsenter'),
                   ('nsenter-lite start-up', 'busybox', 'busybox nsenter')]
    p = run([BENCH, '--binary', isobox, '--reps', '5', '--only', 'ssd-isolate', 'nsinit',
             'encapsulate', 'nsenter', '--no-write'], timeout=300, check=0)
    assert p.stderr == ''
    for what, program, label in wanted:
        if shutil.which(program, path=os.environ['PATH'] + ':/usr/sbin:/sbin'):
            assert 'target %s faster than %s:' % (what, label) in p.stdout
    assert 'ssd-bench.' not in run(['ps', '-eo', 'args'], check=0).stdout
