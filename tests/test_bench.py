"""tests/bench/run, the single benchmark entry point, still runs (figures
are never asserted: benchmarks are not timed tests)."""
import os

from conftest import ROOT, run

BENCH = os.path.join(ROOT, 'tests', 'bench', 'run')


def test_bench_framework_runs_size_and_startup(isobox):
    p = run([BENCH, '--binary', isobox, '--reps', '5', '--only', 'size', 'startup',
             '--no-write'], timeout=120, check=0)
    assert '== Binary size' in p.stdout
    assert '== Start-up' in p.stdout
    assert 'target whole binary under 80 KB stripped:' in p.stdout
    assert '== Machine' in p.stdout
    assert p.stderr == ''
