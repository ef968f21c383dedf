#!/usr/bin/python3
"""nsinit against tini, catatonit and dumb-init, measured in the same run:
start-up of `X true`, reaping a burst of 10,000 orphans, idle RSS.

Usage: tests/bench/nsinit.py [--binary build/release/isobox] [--reps N]"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def peers(nsinit):
    out = [('nsinit', [nsinit])]
    for name, argv in (('tini-static', ['/usr/bin/tini-static', '-s']),
                       ('tini', ['/usr/bin/tini', '-s']),
                       ('catatonit', ['/usr/bin/catatonit']),
                       ('dumb-init', ['/usr/bin/dumb-init'])):
        if os.access(argv[0], os.X_OK):
            out.append((name, argv))
    return out


def wall(argv, reps):
    devnull = os.open(os.devnull, os.O_RDWR)
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                           (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, st = os.waitpid(pid, 0)
        samples.append((time.perf_counter_ns() - t0) / 1e3)
        assert os.waitstatus_to_exitcode(st) == 0, argv
    os.close(devnull)
    return samples


def startup(inits, reps, rounds=5):
    res = {n: [] for n, _ in inits}
    for _ in range(rounds):  # interleaved, so drift hits everyone alike
        for name, argv in inits:
            res[name] += wall(argv + ['/bin/true'], max(1, reps // rounds))
    return {n: statistics.median(v) for n, v in res.items()}


def reaping(inits, orphans_bin, n, rounds=7):
    res = {name: [] for name, _ in inits}
    for _ in range(rounds):
        for name, argv in inits:
            res[name] += [x / 1e3 for x in wall(argv + [orphans_bin, str(n)], 1)]
    return {k: statistics.median(v) for k, v in res.items()}


def idle_rss(argv):
    p = subprocess.Popen(argv + ['sleep', '30'])
    try:
        time.sleep(0.3)
        with open('/proc/%d/status' % p.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    finally:
        p.kill()
        p.wait()
        subprocess.run(['pkill', '-KILL', '-P', str(p.pid)], check=False)
    return None


def report(binary, reps, out=sys.stdout):
    tmp = tempfile.mkdtemp(prefix='nsinit-bench.', dir=os.path.join(ROOT, 'build'))
    try:
        link = os.path.join(tmp, 'nsinit')
        os.symlink(os.path.abspath(binary), link)
        inits = peers(link)
        orphans = os.path.join(os.path.dirname(os.path.abspath(binary)), 'tools', 'orphans')
        s = startup(inits, reps)
        r = reaping(inits, orphans, 10000)
        rss = {name: idle_rss(argv) for name, argv in inits}
    finally:
        shutil.rmtree(tmp)
    base = 'tini-static' if 'tini-static' in s else inits[0][0]
    rows = []
    out.write('%-12s %14s %10s %18s %10s %12s\n' % ('init', 'start-up us', 'vs ' + base[:6],
                                                    'reap 10k orphans ms', 'vs ' + base[:6],
                                                    'idle RSS kB'))
    for name, _ in inits:
        out.write('%-12s %14.0f %9.2fx %18.0f %9.2fx %12s\n' % (
            name, s[name], s[name] / s[base], r[name], r[name] / r[base], rss[name]))
        rows.append({'name': name, 'startup_us': s[name], 'reap_ms': r[name], 'rss_kb': rss[name]})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--binary', default=os.path.join(ROOT, 'build', 'release', 'isobox'))
    ap.add_argument('--reps', type=int, default=300)
    a = ap.parse_args()
    report(a.binary, a.reps)


if __name__ == '__main__':
    main()
