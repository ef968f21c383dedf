"""ssd-isolate against dpkg's start-stop-daemon, same run, same cases:
--start of a trivial program (foreground: parse, /proc scan, exec), --status
by --exec (a /proc scan), by --pidfile and by a --name nothing has, and --stop
of a running daemon by pidfile and exec. Each case runs both programs in
interleaved rounds; both must give the same exit status.

The machine is shared: every case matches only private copies of true and
sleep in a fresh directory, or a pidfile there, never a common name or user;
every daemon is a child of the benchmark, reaped before the next sample and
killed at the end."""
import os
import shutil
import signal
import tempfile

TITLE = 'ssd-isolate: against start-stop-daemon'
ORDER = 60
ROUNDS = 10
OURS = 'ssd-isolate'


class Daemon:
    """A private copy of sleep, a child of ours, with its pid in a pidfile."""
    def __init__(self, exe, pidfile):
        self.exe, self.pidfile, self.pid = exe, pidfile, None

    def restart(self):
        """Reap the last one (--stop has killed it, or kill it now), start another."""
        self.stop()
        self.pid = os.posix_spawn(self.exe, [self.exe, '100000'], os.environ)
        with open(self.pidfile, 'w') as f:
            f.write('%d\n' % self.pid)

    def stop(self):
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None


def run(ctx):
    sec = ctx.section(TITLE)
    if not ctx.ready(OURS):
        sec.text('skipped: ssd-isolate is still the placeholder')
        return
    peer = ctx.which('/usr/sbin/start-stop-daemon', '/sbin/start-stop-daemon',
                     'start-stop-daemon')
    if not peer:
        sec.text('skipped: start-stop-daemon not installed (dpkg)')
        return
    impls = [(OURS, ctx.applets[OURS]), ('start-stop-daemon', peer)]
    tmp = tempfile.mkdtemp(prefix='ssd-bench.', dir=ctx.workdir)
    true, sleep = os.path.join(tmp, 'benchtrue'), os.path.join(tmp, 'benchd')
    running = Daemon(sleep, os.path.join(tmp, 'running.pid'))
    victim = Daemon(sleep, os.path.join(tmp, 'victim.pid'))
    cases = [  # (case, options, exit status of both, set-up before each sample)
        ('--start -x TRUE (exec)', ['-S', '-x', true], 0, None),
        ('--status -x DAEMON (running)', ['-T', '-x', sleep], 0, None),
        ('--status -p PIDFILE (running)', ['-T', '-p', running.pidfile], 0, None),
        ('--status -x TRUE (scan, none running)', ['-T', '-x', true], 3, None),
        ('--status -n NAME (scan, none running)', ['-T', '-n', 'ssdbench-none'], 3, None),
        ('--stop -p PIDFILE -x DAEMON', ['-K', '-p', victim.pidfile, '-x', sleep], 0,
         victim.restart),
    ]
    med = {}
    try:
        shutil.copy(ctx.which('/bin/true', 'true'), true)
        shutil.copy(ctx.which('/bin/sleep', 'sleep'), sleep)
        running.restart()
        for case, opts, status, before in cases:
            med[case] = ctx.compare([(name, [exe] + opts) + ((before,) if before else ())
                                     for name, exe in impls], rounds=ROUNDS, ok=(status,))
    finally:
        running.stop()
        victim.stop()
        shutil.rmtree(tmp)
    dpkg = 'start-stop-daemon'
    sec.table(['case', 'ssd-isolate us', 'start-stop-daemon us', 'ratio'],
              [[c, m[OURS], m[dpkg], '%.2f' % (m[OURS] / m[dpkg])] for c, m in med.items()],
              note='median of %d runs each, the two interleaved in %d rounds; fork+exec+wait '
              'from Python; ratio = ssd-isolate / start-stop-daemon'
              % (max(1, ctx.reps // ROUNDS) * ROUNDS, ROUNDS))
    sec.chart('ssd-isolate vs start-stop-daemon (median microseconds, smaller is better)', 'us',
              [('%s %s' % (who, c.split(' (')[0]), m[name], name == OURS)
               for c, m in med.items() for name, who in ((OURS, OURS), (dpkg, 'dpkg'))])
    for c, m in med.items():
        sec.faster('ssd-isolate ' + c.split(' (')[0], OURS, m, [dpkg])
