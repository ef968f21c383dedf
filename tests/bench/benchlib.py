"""The benchmark framework behind tests/bench/run (no PyPI: /usr/bin/python3
and Debian packages only). A benchmark module is tests/bench/NAME.py with

    TITLE = 'nsinit: start-up and reaping'   # section heading in the report
    ORDER = 30                               # optional; sections sort by it (default 50)
    def run(ctx): ...

and run(ctx) measures with the helpers below and records what it found with
ctx.section(...).table/.chart/.target/.faster. Rules: compare against the peers in
the same run (interleaved rounds: the machine is shared and noisy), report the
median, skip what is not there (ctx.ready, ctx.which, ctx.installed) instead of failing, and
leave nothing running or mounted.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
from procfs import children  # noqa: E402,F401 (the modules use benchlib.children)

# encapsulate's peer, with the closest sandbox to encapsulate's default: the
# host read-only, a fresh /dev and /proc, every namespace bwrap can unshare.
BWRAP = ['bwrap', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all',
         '--die-with-parent']


class Section:
    def __init__(self, title):
        self.title = title
        self.items = []     # ('text', str) | ('table', header, rows) | ('chart', ...)
        self.targets = []   # (name, ok, detail)

    def text(self, s):
        self.items.append(('text', s))
        print(s)

    def table(self, header, rows, note=None):
        """rows: lists of cells (str, int or float); floats print with one decimal."""
        rows = [[cell(c) for c in r] for r in rows]
        self.items.append(('table', header, rows, note))
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        for r in [header] + rows:
            print('  ' + '  '.join(str(c).ljust(w) for c, w in zip(r, widths)))
        if note:
            print('  (%s)' % note)

    def chart(self, title, unit, bars):
        """One panel of docs/benchmarks.svg; bars: (label, value, ours)."""
        self.items.append(('chart', title, unit, [(l, float(v), bool(o)) for l, v, o in bars]))

    def target(self, name, ok, detail):
        self.targets.append((name, ok, detail))
        print('  target %s: %s (%s)' % (name, 'met' if ok else 'MISSED', detail))

    def faster(self, what, ours, med, peers):
        """Issue 8's targets: one per peer, met when med[ours] < med[peer]."""
        for peer in peers:
            self.target('%s faster than %s' % (what, peer), med[ours] < med[peer],
                        '%s %.0f us, %s %.0f us: %.2fx' % (ours, med[ours], peer, med[peer],
                                                           med[ours] / med[peer]))


def cell(c):
    if isinstance(c, float):
        return '%.1f' % c
    return str(c)


class Context:
    def __init__(self, binary, reps, workdir):
        self.binary = binary
        self.reps = reps
        self.workdir = workdir
        self.sections = []
        os.makedirs(workdir, exist_ok=True)
        self.links = os.path.join(workdir, 'bin')
        shutil.rmtree(self.links, ignore_errors=True)
        os.makedirs(self.links)
        self.applets = {}
        for name in subprocess.run([binary, '--list'], capture_output=True, text=True,
                                   check=True).stdout.split():
            os.symlink(binary, os.path.join(self.links, name))
            self.applets[name] = os.path.join(self.links, name)
        self._ready = {}

    def installed(self, sec, wanted):
        """wanted: [(label, [program, arg...])]; returns [(label, argv)] of the
        programs found (ctx.which), and notes each missing one in sec."""
        out = []
        for label, argv in wanted:
            path = self.which(argv[0])
            if path:
                out.append((label, [path] + argv[1:]))
            else:
                sec.text('%s: %s not installed, skipped' % (label, argv[0]))
        return out

    def section(self, title):
        s = Section(title)
        self.sections.append(s)
        print('\n== %s' % title)
        return s

    def ready(self, applet):
        """False while the applet is the foundation's placeholder."""
        if applet not in self._ready:
            p = subprocess.run([self.applets[applet], '/nonexistent/probe'], capture_output=True,
                               text=True, stdin=subprocess.DEVNULL, timeout=30)
            self._ready[applet] = 'not implemented yet' not in p.stderr
        return self._ready[applet]

    @staticmethod
    def which(name, *more):
        """First of name, *more found on PATH (or as an absolute path)."""
        for n in (name,) + more:
            p = n if os.path.isabs(n) and os.access(n, os.X_OK) else shutil.which(n)
            if p:
                return p
        return None

    def compare(self, cases, reps=None, rounds=5, ok=(0,)):
        """medians(cases, reps or ctx.reps, rounds, ok): see medians()."""
        return medians(cases, reps or self.reps, rounds, ok)


def spawn_times(argv, n, ok=(0,), before=None):
    """n samples of posix_spawn+waitpid of argv (argv[0] a path), in
    microseconds; stdin, stdout and stderr are /dev/null. An exit status not
    in ok is an error (a case that fails measures nothing). before(), if
    given, runs untimed before each sample (to set up what the case acts on)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    out = []
    try:
        for _ in range(n):
            if before:
                before()
            t0 = time.perf_counter_ns()
            pid = os.posix_spawn(argv[0], argv, os.environ,
                                 file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                               (os.POSIX_SPAWN_DUP2, devnull, 1),
                                               (os.POSIX_SPAWN_DUP2, devnull, 2)])
            _, st = os.waitpid(pid, 0)
            out.append((time.perf_counter_ns() - t0) / 1000)
            if os.waitstatus_to_exitcode(st) not in ok:
                raise RuntimeError('%s exited %d' % (' '.join(argv),
                                                     os.waitstatus_to_exitcode(st)))
    finally:
        os.close(devnull)
    return out


def medians(cases, reps, rounds=5, ok=(0,)):
    """cases: [(label, argv)] or [(label, argv, before)]; runs them in
    `rounds` interleaved rounds of reps // rounds samples each (at least one),
    so that drift on a shared machine hits every case alike; returns
    {label: median microseconds} in the order of cases."""
    samples = {c[0]: [] for c in cases}
    for _ in range(rounds):
        for label, argv, *before in cases:
            samples[label] += spawn_times(argv, max(1, reps // rounds), ok, *before)
    return {label: statistics.median(s) for label, s in samples.items()}


def machine():
    """What the figures were measured on."""
    def first(path, key):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return line.split(':', 1)[1].strip()
        except OSError:
            pass
        return '?'

    def out(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return '?'

    flags = first('/proc/cpuinfo', 'flags')
    rows = [
        ('CPU', '%s, %d CPUs%s' % (first('/proc/cpuinfo', 'model name'), os.cpu_count() or 0,
                                   ' (virtual machine)' if 'hypervisor' in flags.split() else '')),
        ('memory', first('/proc/meminfo', 'MemTotal')),
        ('kernel', os.uname().release),
        ('system', 'Debian ' + (open('/etc/debian_version').read().strip()
                                if os.path.exists('/etc/debian_version') else '?')),
        ('compiler', out('musl-gcc', '--version').split('\n')[0] + ', musl ' +
         (out('dpkg-query', '-W', '-f=${Version}', 'musl-dev') or '?')),
        ('isobox', out('git', '-C', ROOT, 'describe', '--always', '--dirty')),
        ('date', time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())),
    ]
    return rows
