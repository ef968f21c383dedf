"""nsinit against tini, catatonit and dumb-init, measured in the same run:
start-up of `X true`, reaping a burst of 10,000 orphans (tools/orphans),
idle RSS."""
import os
import signal
import subprocess
import time

import benchlib

TITLE = 'nsinit: start-up, reaping and idle RSS against tini, catatonit and dumb-init'
ORDER = 30
ORPHANS = 10000
REAP_ROUNDS = 7   # one burst per init per round, each about a second: fewer when
                  # --reps is under 70, so that a quick run stays quick


def idle_rss(argv):
    """VmRSS in kB of argv (an init) with a sleeping child, after 0.3 s."""
    p = subprocess.Popen(argv + ['sleep', '30'], stdin=subprocess.DEVNULL)
    kids, deadline = [], time.monotonic() + 10
    try:
        time.sleep(0.3)
        # Its child, read before the kill (then it is no longer its child);
        # wait for it on a loaded machine, or a late fork would outlive us.
        while not kids and time.monotonic() < deadline and p.poll() is None:
            kids = benchlib.children(p.pid)
            time.sleep(0.01)
        with open('/proc/%d/status' % p.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    finally:
        p.kill()
        p.wait()
        for pid in kids:
            os.kill(pid, signal.SIGKILL)
    return None


def run(ctx):
    sec = ctx.section(TITLE)
    if not ctx.ready('nsinit'):
        sec.text('skipped: nsinit is still the placeholder')
        return
    inits = [('nsinit', [ctx.applets['nsinit']])]
    inits += ctx.installed(sec, [('tini-static', ['tini-static', '-s']), ('tini', ['tini', '-s']),
                                 ('catatonit', ['catatonit']), ('dumb-init', ['dumb-init'])])
    true = ctx.which('/bin/true', 'true')
    start = ctx.compare([(n, argv + [true]) for n, argv in inits])
    orphans = os.path.join(os.path.dirname(ctx.binary), 'tools', 'orphans')
    if os.access(orphans, os.X_OK):
        bursts = min(REAP_ROUNDS, max(1, ctx.reps // 10))
        reap = ctx.compare([(n, argv + [orphans, str(ORPHANS)]) for n, argv in inits],
                           reps=bursts, rounds=bursts)
        reap = {n: us / 1000 for n, us in reap.items()}
    else:
        sec.text('reaping skipped: no %s (run scons)' % orphans)
        reap, bursts = {}, 0
    rss = {n: idle_rss(argv) for n, argv in inits}
    base = 'tini-static' if 'tini-static' in start else 'nsinit'
    vs = 'x ' + base

    def ratio(d, n):
        return '%.2f' % (d[n] / d[base]) if n in d else '-'

    sec.table(['init', 'start-up us', vs, 'reap %d orphans ms' % ORPHANS, vs, 'idle RSS kB'],
              [[n, start[n], ratio(start, n), reap.get(n, '-'), ratio(reap, n), rss[n]]
               for n, _ in inits],
              note='start-up: `INIT /bin/true`, median of %d runs each, interleaved in 5 rounds; '
              'reaping: `INIT orphans %d`, median of %d interleaved bursts; idle RSS: VmRSS of '
              'the init 0.3 s after it started `sleep 30`'
              % (max(1, ctx.reps // 5) * 5, ORPHANS, bursts))
    sec.chart('nsinit start-up, INIT /bin/true (median microseconds, smaller is better)', 'us',
              [(n, start[n], n == 'nsinit') for n, _ in inits])
    if reap:
        sec.chart('Reaping %d orphans (median milliseconds, smaller is better)' % ORPHANS, 'ms',
                  [(n, reap[n], n == 'nsinit') for n, _ in inits])
    sec.chart('Idle RSS of the init (kB, smaller is better)', 'kB',
              [(n, rss[n] or 0, n == 'nsinit') for n, _ in inits])
    sec.faster('nsinit start-up', 'nsinit', start, [n for n, _ in inits[1:]])
    if rss['nsinit']:  # issue 3: idle RSS under 100 KB
        sec.target('nsinit idle RSS under 100 kB', rss['nsinit'] < 100, '%d kB' % rss['nsinit'])
