"""Small /proc readers shared by the tests (conftest) and the benchmarks
(tests/bench/benchlib.py): plain Python, no pytest."""


def children(pid):
    """Direct children of a process (of its main thread), from /proc."""
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def state(pid):
    """The one-letter state of a process (R, S, Z, T...), or None if gone."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return None
