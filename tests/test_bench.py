"""tests/bench/run, the single benchmark entry point, still runs (figures
are never asserted: benchmarks are not timed tests)."""
import os

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
