#!/usr/bin/python3
"""encapsulate start-up against bubblewrap and a bare `true`, same run.

Each case is fork+exec+wait of the whole sandbox around /bin/true; rounds are
interleaved so machine drift hits every case alike. Quote the ratios: absolute
times on a shared machine mean little.

Usage: tests/bench/encapsulate.py [--binary build/release/isobox] [--reps N] [--as-nobody]
"""
import argparse
import os
import shutil
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOBODY = ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']


def once(argv, devnull):
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit('bench: %s failed (status %d)' % (' '.join(argv), status))
    return (time.perf_counter_ns() - t0) / 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--binary', default=os.path.join(ROOT, 'build', 'release', 'isobox'))
    ap.add_argument('--reps', type=int, default=200)
    ap.add_argument('--as-nobody', action='store_true',
                    help='run every case as uid 65534 (user-namespace mode)')
    args = ap.parse_args()
    b = os.path.abspath(args.binary)
    true = shutil.which('true') or '/bin/true'
    cases = [('bare true', [true]),
             ("encapsulate '' true", [b, 'encapsulate', '', true])]
    bwrap = shutil.which('bwrap')
    if bwrap:
        cases.append(('bwrap ... true', [bwrap, '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc',
                                         '--unshare-all', '--die-with-parent', true]))
    else:
        print('bwrap not installed (apt-get install bubblewrap): skipped')
    if args.as_nobody:
        cases = [(name, NOBODY + argv) for name, argv in cases]
    devnull = os.open(os.devnull, os.O_RDWR)
    results = {name: [] for name, _ in cases}
    rounds = 10
    for _ in range(rounds):
        for name, argv in cases:
            for _ in range(max(1, args.reps // rounds)):
                results[name].append(once(argv, devnull))
    os.close(devnull)
    med = {name: statistics.median(v) for name, v in results.items()}
    print('%s, median of %d runs each (fork+exec+wait, us):'
          % ('as uid 65534' if args.as_nobody else 'as uid %d' % os.getuid(), len(results['bare true'])))
    for name, _ in cases:
        print('  %-22s %9.1f us  %6.2fx bare true' % (name, med[name], med[name] / med['bare true']))
    if 'bwrap ... true' in med:
        print('  encapsulate is %.2fx faster than bwrap'
              % (med['bwrap ... true'] / med["encapsulate '' true"]))


if __name__ == '__main__':
    sys.exit(main())
