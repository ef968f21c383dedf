"""Start-up: the cost of exec'ing each applet against its peers, measured
with --version (or a no-op) so every program runs only its start-up path:
exec, dynamic loading for the peers, libc start, one write, exit."""
TITLE = 'Start-up (exec to exit, --version)'
ORDER = 20


def run(ctx):
    sec = ctx.section(TITLE)
    cases = [('/bin/true (baseline)', ['/bin/true'], False)]
    for name, path in sorted(ctx.applets.items()):
        cases.append(('%s --version' % name, [path, '--version'], True))
    peers = [
        ('tini-static --version', 'tini-static', '--version'),
        ('tini --version', 'tini', '--version'),
        ('catatonit --version', 'catatonit', '--version'),
        ('dumb-init --version', 'dumb-init', '--version'),
        ('bwrap --version', 'bwrap', '--version'),
        ('nsenter --version', 'nsenter', '--version'),
        ('start-stop-daemon --version', 'start-stop-daemon', '--version'),
        ('busybox true', 'busybox', 'true'),
    ]
    for label, prog, arg in peers:
        path = ctx.which(prog)
        if path:
            cases.append((label, [path, arg], False))
    med = ctx.compare([(l, a) for l, a, _ in cases])
    base = med[cases[0][0]]
    sec.table(['program', 'median us', 'x /bin/true'],
              [[l, med[l], '%.2f' % (med[l] / base)] for l, _, _ in cases],
              note='median of %d runs each, interleaved in 5 rounds; fork+exec+wait from Python'
              % ctx.reps)
    sec.chart('Start-up, exec to exit (median microseconds, smaller is better)', 'us',
              [(l, med[l], ours) for l, _, ours in cases])
    mine = max(med['%s --version' % n] for n in ctx.applets)
    peer = [med[l] for l, _, ours in cases[1:] if not ours and l in med]
    if peer:
        sec.target('--version start-up: every applet faster than every peer', mine < min(peer),
                   'slowest applet %.0f us, fastest peer %.0f us' % (mine, min(peer)))
