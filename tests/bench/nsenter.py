"""nsenter-lite against util-linux nsenter and busybox nsenter: the time of
`NSENTER -t T -m -u -i -n -p true` (fork+exec+wait of the whole thing), with
the same target, in the same run, rounds interleaved. Needs root: the target
is a container of every namespace type but user, made by unshare."""
import os
import signal
import subprocess

import benchlib

TITLE = 'nsenter-lite: entering a target, against util-linux and busybox nsenter'
ORDER = 50
ROUNDS = 10
OURS = 'nsenter-lite'


def start_target():
    """(unshare process, target pid): a sleep as PID 1 of its own namespaces."""
    p = subprocess.Popen(['unshare', '--fork', '--pid', '--mount-proc', '--uts', '--ipc', '--net',
                          '--mount', 'sh', '-c', 'hostname bench; echo ready; exec sleep 100000'],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    p.stdout.close()
    kids = [] if line != 'ready\n' else benchlib.children(p.pid)
    if not kids:
        p.kill()
        p.wait()
        raise RuntimeError('cannot start the target container')
    return p, kids[0]


def run(ctx):
    sec = ctx.section(TITLE)
    if os.getuid() != 0:
        sec.text('skipped: needs root (the target container)')
        return
    if not ctx.ready(OURS):
        sec.text('skipped: nsenter-lite is still the placeholder')
        return
    unshare, target = start_target()
    try:
        opts = ['-t', str(target), '-m', '-u', '-i', '-n', '-p', 'true']
        cases = [(OURS, [ctx.applets[OURS]] + opts)]
        cases += ctx.installed(sec, [('util-linux nsenter', ['nsenter'] + opts),
                                     ('busybox nsenter', ['busybox', 'nsenter'] + opts)])
        med = ctx.compare(cases, rounds=ROUNDS)
    finally:
        os.kill(target, signal.SIGKILL)  # PID 1 of the container: the namespaces go with it
        unshare.wait()
    sec.table(['nsenter -t T -m -u -i -n -p true', 'median us', 'x nsenter-lite'],
              [[l, med[l], '%.2f' % (med[l] / med[OURS])] for l, _ in cases],
              note='median of %d runs each, interleaved in %d rounds; fork+exec+wait from Python'
              % (max(1, ctx.reps // ROUNDS) * ROUNDS, ROUNDS))
    sec.chart('nsenter -t T -m -u -i -n -p true (median microseconds, smaller is better)', 'us',
              [(l, med[l], l == OURS) for l, _ in cases])
    sec.faster('nsenter-lite start-up', OURS, med, [l for l, _ in cases[1:]])
