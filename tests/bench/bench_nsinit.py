"""nsinit start-up: `nsinit /bin/true` (subreaper in the host namespaces)
against the same command under tini, tini-static, catatonit and dumb-init.
Reaping throughput and idle RSS (issue 3) are still to be added here."""
TITLE = 'nsinit: start-up with a command'
ORDER = 30


def run(ctx):
    if not ctx.ready('nsinit'):
        return
    sec = ctx.section(TITLE)
    cases = [('nsinit /bin/true', [ctx.applets['nsinit'], '/bin/true'], True),
             ('/bin/true alone (floor)', ['/bin/true'], False)]
    for label, prog, args in [('tini -s', 'tini', ['-s']), ('tini-static -s', 'tini-static', ['-s']),
                              ('catatonit', 'catatonit', []), ('dumb-init', 'dumb-init', [])]:
        path = ctx.which(prog)
        if path:
            cases.append(('%s /bin/true' % label, [path] + args + ['/bin/true'], False))
    med = ctx.compare([(l, a) for l, a, _ in cases])
    mine = med['nsinit /bin/true']
    sec.table(['command', 'median us', 'x nsinit'],
              [[l, med[l], '%.2f' % (med[l] / mine)] for l, _, _ in cases],
              note='median of %d runs each, interleaved; the init spawns /bin/true and waits'
              % ctx.reps)
    sec.chart('nsinit start-up with /bin/true (median microseconds)', 'us',
              [(l, med[l], o) for l, _, o in cases])
    peers = {l: v for l, v in med.items() if l not in ('nsinit /bin/true', '/bin/true alone (floor)')}
    if peers:
        fastest = min(peers, key=peers.get)
        sec.target('nsinit starts faster than every peer', mine < peers[fastest],
                   'nsinit %.0f us, fastest peer %s %.0f us (%.2fx)'
                   % (mine, fastest.split(' /')[0], peers[fastest], peers[fastest] / mine))
