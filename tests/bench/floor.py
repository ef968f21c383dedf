"""The floor for encapsulate: tools/floor (tests/c/floor.c) makes the same
namespace set as encapsulate does as root (mount, PID, IPC, UTS, net, cgroup),
makes propagation private, brings lo up, mounts a fresh /proc and runs
COMMAND as the child of a PID 1, and nothing else. Issue 8's target:
`encapsulate '' /bin/true` within 1.5x of `floor /bin/true`, same run.
Root only: as another user encapsulate takes the user-namespace path, which
the floor does not model."""
import os

import benchlib

TITLE = 'encapsulate: the floor (a minimal C program, same namespace set)'
ORDER = 45
TARGET = 1.5


def run(ctx):
    sec = ctx.section(TITLE)
    if os.getuid() != 0:
        sec.text('skipped: needs root (the floor models encapsulate as root)')
        return
    if not ctx.ready('encapsulate'):
        sec.text('skipped: encapsulate is still the placeholder')
        return
    floor = os.path.join(os.path.dirname(ctx.binary), 'tools', 'floor')
    if not os.access(floor, os.X_OK):
        sec.text('skipped: no %s (run scons)' % floor)
        return
    true = ctx.which('/bin/true', 'true')
    enc, flo, bare = "encapsulate '' /bin/true", 'floor /bin/true', '/bin/true (bare)'
    cases = [(bare, [true]), (flo, [floor, true]), (enc, [ctx.applets['encapsulate'], '', true])]
    cases += ctx.installed(sec, [('bwrap ... /bin/true', benchlib.BWRAP + [true])])
    med = ctx.compare(cases, rounds=10)
    n = max(1, ctx.reps // 10) * 10

    def above(label):  # the sandbox's own cost, the exec of true taken off
        return med[label] - med[bare]

    sec.table(['command', 'median us', 'x floor', 'us above bare true', 'x floor\'s'],
              [[l, med[l], '%.2f' % (med[l] / med[flo]), above(l),
                '%.2f' % (above(l) / above(flo)) if above(flo) > 0 else '-'] for l, _ in cases],
              note='as root, median of %d runs each, interleaved in 10 rounds; '
                   'fork+exec+wait from Python' % n)
    sec.chart('encapsulate vs the floor (median microseconds, smaller is better)', 'us',
              [(l, med[l], l == enc) for l, _ in cases])
    ratio = med[enc] / med[flo]
    sec.target('encapsulate within %.1fx of the floor' % TARGET, ratio <= TARGET,
               'encapsulate %.0f us, floor %.0f us: %.2fx' % (med[enc], med[flo], ratio))
