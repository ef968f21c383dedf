"""The core option parser, through its test driver (build/VARIANT/tools/opttest)."""
import pytest

from conftest import run, tool

CASES = [
    # (flags, argv after argv0, expected output lines)
    ([], ['-a'], ['opt a', 'rest']),
    ([], ['-ab', 'V', 'x'], ['opt a', 'opt b V', 'rest x']),
    ([], ['-abV'], ['opt a', 'opt b V', 'rest']),
    ([], ['-b', '-a'], ['opt b -a', 'rest']),
    ([], ['--beta', 'V'], ['opt b V', 'rest']),
    ([], ['--beta=V=W'], ['opt b V=W', 'rest']),
    ([], ['--beta='], ['opt b ', 'rest']),
    ([], ['-c', 'x'], ['opt c', 'rest x']),
    ([], ['-cx'], ['opt c x', 'rest']),
    ([], ['--gamma', 'x'], ['opt c', 'rest x']),
    ([], ['--gamma=x'], ['opt c x', 'rest']),
    ([], ['--only-long', '-x'], ['opt l -x', 'rest']),
    # Stops at the first operand: `encapsulate /w ls -l` passes -l on.
    ([], ['-a', '/w', 'ls', '-l'], ['opt a', 'rest /w ls -l']),
    ([], ['--', '-a'], ['rest -a']),
    ([], ['-a', '--', '--', 'x'], ['opt a', 'rest -- x']),
    ([], ['-', '-a'], ['rest - -a']),
    ([], [''], ['rest ']),
    ([], [], ['rest']),
    ([], ['-vx'], ['opt v', 'opt x', 'rest']),
    # Errors.
    ([], ['-q'], ['error -2 -q']),
    ([], ['-aq'], ['opt a', 'error -2 -q']),
    ([], ['--frob'], ['error -2 --frob']),
    ([], ['--frob=1'], ['error -2 --frob']),
    ([], ['-b'], ['error -3 -b']),
    ([], ['--beta'], ['error -3 --beta']),
    ([], ['--alpha=1'], ['error -4 --alpha']),
    ([], ['--alph'], ['error -2 --alph']),
    # Prefixes, only when asked for.
    (['-X'], ['--alph'], ['opt a', 'rest']),
    (['-X'], ['--al'], ['error -5 --al']),
    (['-X'], ['--alpine'], ['opt p', 'rest']),
    (['-X'], ['--ver'], ['opt v', 'rest']),        # two names, one option
    (['-X'], ['--verb'], ['opt v', 'rest']),
    (['-X'], ['--b', 'x'], ['opt b x', 'rest']),
    # Permutation: operands among options come back as words.
    (['-P'], ['w1', '-a', 'w2', '--', '-a'], ['word w1', 'opt a', 'word w2', 'rest -a']),
    (['-P'], ['w1', '-b', 'w2'], ['word w1', 'opt b w2', 'rest']),
]


@pytest.mark.parametrize('flags,argv,expected', CASES)
def test_option_parser(flags, argv, expected):
    p = run([tool('opttest')] + flags + ['--', 'prog'] + argv)
    assert p.stdout.splitlines() == expected
    assert p.returncode == (1 if expected[-1].startswith('error') else 0)
