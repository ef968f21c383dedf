#!/usr/bin/python3
"""nsenter-lite against util-linux nsenter and busybox nsenter: the time of
`NSENTER -t T -m -u -i -n -p true` (fork+exec+wait of the whole thing), with
the same target, in the same run, rounds interleaved. Needs root.

Usage: tests/bench/nsenter.py [--binary build/release/isobox] [--reps N]
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_target():
    """A container of every type but user; returns (unshare process, target pid)."""
    p = subprocess.Popen(['unshare', '--fork', '--pid', '--mount-proc', '--uts', '--ipc', '--net',
                          '--mount', 'sh', '-c', 'hostname bench; echo ready; exec sleep 100000'],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if p.stdout.readline() != 'ready\n':
        sys.exit('cannot start the target (root needed)')
    with open('/proc/%d/task/%d/children' % (p.pid, p.pid)) as f:
        return p, int(f.read().split()[0])


def spawn_time(argv, reps):
    """Median wall time of fork+exec+wait of argv, in microseconds."""
    devnull = os.open(os.devnull, os.O_RDWR)
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                           (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, status = os.waitpid(pid, 0)
        samples.append((time.perf_counter_ns() - t0) / 1000)
        if status != 0:
            sys.exit('%s failed: status %d' % (' '.join(argv), status))
    os.close(devnull)
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--binary', default=os.path.join(ROOT, 'build', 'release', 'isobox'))
    ap.add_argument('--reps', type=int, default=500)
    args = ap.parse_args()
    unshare, target = start_target()
    try:
        opts = ['-t', str(target), '-m', '-u', '-i', '-n', '-p', 'true']
        cases = [('nsenter-lite', [os.path.abspath(args.binary), 'nsenter-lite'] + opts)]
        for name, argv in (('util-linux nsenter', ['nsenter']), ('busybox nsenter', ['busybox', 'nsenter'])):
            path = shutil.which(argv[0])
            if path:
                cases.append((name, [path] + argv[1:] + opts))
        results = {name: [] for name, _ in cases}
        rounds = 10
        for _ in range(rounds):
            for name, argv in cases:
                results[name].append(spawn_time(argv, max(args.reps // rounds, 1)))
        base = statistics.median(results['nsenter-lite'])
        print('-t T -m -u -i -n -p true, median of %d runs each (fork+exec+wait):' % args.reps)
        for name, _ in cases:
            m = statistics.median(results[name])
            print('  %-20s %8.1f us  %5.2fx nsenter-lite' % (name, m, m / base))
    finally:
        os.kill(target, signal.SIGKILL)
        unshare.wait()


if __name__ == '__main__':
    sys.exit(main())
