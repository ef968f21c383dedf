"""encapsulate start-up against bubblewrap and a bare `true`, same run.

Each case is fork+exec+wait of the whole sandbox around /bin/true; rounds are
interleaved so machine drift hits every case alike. Quote the ratios: absolute
times on a shared machine mean little. As root the cases run twice: as root
(encapsulate's root path), then as uid 65534 through setpriv (both tools make
a user namespace: encapsulate's unprivileged path)."""
import os

import benchlib

TITLE = 'encapsulate: start-up against bubblewrap'
ORDER = 40
ROUNDS = 10
NOBODY = ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
ENC, BWRAP, BARE = 'encapsulate', 'bwrap', 'bare true'


def measure(ctx, sec, cases, who):
    med = ctx.compare(cases, rounds=ROUNDS)
    sec.table(['around /bin/true, %s' % who, 'median us', 'x bare true'],
              [[l, med[l], '%.2f' % (med[l] / med[BARE])] for l, _ in cases],
              note="`encapsulate '' true`, `%s true`; %s, median of %d runs each, "
              "interleaved in %d rounds; fork+exec+wait from Python"
              % (' '.join(benchlib.BWRAP), who, max(1, ctx.reps // ROUNDS) * ROUNDS, ROUNDS))
    sec.chart('encapsulate vs bwrap, %s (median microseconds, smaller is better)' % who, 'us',
              [(l, med[l], l == ENC) for l, _ in cases])
    sec.faster('encapsulate start-up %s' % who, ENC, med, [l for l, _ in cases if l == BWRAP])


def run(ctx):
    sec = ctx.section(TITLE)
    if not ctx.ready('encapsulate'):
        sec.text('skipped: encapsulate is still the placeholder')
        return
    true = ctx.which('/bin/true', 'true')
    cases = [(BARE, [true]), (ENC, [ctx.applets['encapsulate'], '', true])]
    cases += ctx.installed(sec, [(BWRAP, benchlib.BWRAP + [true])])
    measure(ctx, sec, cases, 'as uid %d' % os.getuid())
    if os.getuid() == 0 and os.access(NOBODY[0], os.X_OK):
        measure(ctx, sec, [(l, NOBODY + argv) for l, argv in cases], 'as uid 65534')
