"""The multi-call front end: dispatch, --list, --install, --help, --version."""
import os
import shutil
import stat
import subprocess

import pytest

from conftest import ISOBOX, applet_names, run

APPLETS = applet_names()


def test_applet_list_file_has_the_four_applets():
    assert APPLETS == sorted(APPLETS)
    assert set(APPLETS) == {'encapsulate', 'nsenter-lite', 'nsinit', 'ssd-isolate'}


def test_list_matches_applets_def(isobox):
    p = run([isobox, '--list'], check=0)
    assert p.stdout.splitlines() == APPLETS
    assert p.stderr == ''


@pytest.mark.parametrize('name', APPLETS)
def test_dispatch_by_link_name_and_by_argument(applets, isobox, name):
    by_link = run([applets[name], '--help'], check=0)
    by_arg = run([isobox, name, '--help'], check=0)
    assert by_link.stdout == by_arg.stdout
    assert by_link.stdout.startswith('Usage: ' + name)
    assert by_link.stderr == ''


@pytest.mark.parametrize('name', APPLETS)
def test_every_applet_answers_version(applets, name):
    p = run([applets[name], '--version'], check=0)
    assert '0.1.0' in p.stdout


def test_dispatch_through_absolute_path_argument(isobox, applets):
    p = run([isobox, applets['nsinit'], '--help'], check=0)
    assert p.stdout.startswith('Usage: nsinit')


def test_isobox_prefixed_name_is_the_front_end(tmp_path, isobox):
    for name in ('isobox-x86_64', 'isobox.debug'):
        link = tmp_path / name
        os.symlink(isobox, link)
        p = run([str(link), '--list'], check=0)
        assert p.stdout.splitlines() == APPLETS


def test_login_shell_dash_prefix_is_ignored(isobox):
    p = run(['-nsinit', '--help'], executable=isobox, check=0)
    assert p.stdout.startswith('Usage: nsinit')


def test_unknown_applet_by_link(tmp_path, isobox):
    link = tmp_path / 'frobnicate'
    os.symlink(isobox, link)
    p = run([str(link), 'x'])
    assert p.returncode == 127
    assert p.stdout == ''
    assert p.stderr == "isobox: unknown applet 'frobnicate'\n"


def test_unknown_applet_by_argument(isobox):
    p = run([isobox, 'frobnicate', '--help'])
    assert (p.returncode, p.stderr) == (127, "isobox: unknown applet 'frobnicate'\n")


def test_front_end_usage_errors(isobox):
    p = run([isobox])
    assert p.returncode == 125 and p.stderr.startswith('Usage: isobox')
    p = run([isobox, '--frob'])
    assert p.returncode == 125
    assert p.stderr.count('\n') == 1 and "'--frob'" in p.stderr


def test_front_end_help_and_version(isobox):
    p = run([isobox, '--help'], check=0)
    assert p.stdout.startswith('Usage: isobox') and '--install' in p.stdout
    p = run([isobox, '--help', 'nsinit'], check=0)
    assert p.stdout.startswith('Usage: nsinit')
    p = run([isobox, '--help', 'nope'])
    assert p.returncode == 127
    p = run([isobox, '--version'], check=0)
    assert p.stdout == 'isobox (isobox) 0.1.0\n'


@pytest.mark.parametrize('name', APPLETS)
def test_applet_bad_option_is_one_line_and_125(applets, name):
    if name == 'ssd-isolate':
        pytest.skip('ssd-isolate keeps dpkg exit codes')
    p = run([applets[name], '--no-such-option'])
    assert p.returncode == 125
    assert p.stderr.startswith(name + ': ') and p.stderr.count('\n') == 1
    assert '--no-such-option' in p.stderr
    assert p.stdout == ''


# --- --install --------------------------------------------------------------

def installed(d):
    return sorted(os.listdir(d))


def test_install_hard_links(tmp_path, isobox):
    copy = tmp_path / 'isobox'
    shutil.copy(isobox, copy)
    d = tmp_path / 'bin'
    d.mkdir()
    run([str(copy), '--install', str(d)], check=0)
    assert installed(d) == APPLETS
    ino = os.stat(copy).st_ino
    for name in APPLETS:
        st = os.lstat(d / name)
        assert stat.S_ISREG(st.st_mode) and st.st_ino == ino
    # Idempotent.
    run([str(copy), '--install', str(d)], check=0)
    assert installed(d) == APPLETS
    p = run([str(d / 'nsinit'), '--help'], check=0)
    assert p.stdout.startswith('Usage: nsinit')


def test_install_symbolic_links_are_relative(tmp_path, isobox):
    (tmp_path / 'usr' / 'bin').mkdir(parents=True)
    (tmp_path / 'usr' / 'sbin').mkdir(parents=True)
    copy = tmp_path / 'usr' / 'bin' / 'isobox'
    shutil.copy(isobox, copy)
    for d, target in (('bin', 'isobox'), ('sbin', '../bin/isobox')):
        dd = tmp_path / 'usr' / d
        run([str(copy), '--install', '-s', str(dd)], check=0)
        run([str(copy), '--install', '-s', str(dd)], check=0)
        for name in APPLETS:
            assert os.readlink(dd / name) == target
    # The tree still works after it is copied somewhere else.
    moved = tmp_path / 'moved'
    shutil.copytree(tmp_path / 'usr', moved, symlinks=True)
    p = run([str(moved / 'sbin' / 'nsinit'), '--help'], check=0)
    assert p.stdout.startswith('Usage: nsinit')


def test_install_symbolic_replaces_hard_links(tmp_path, isobox):
    copy = tmp_path / 'isobox'
    shutil.copy(isobox, copy)
    run([str(copy), '--install', str(tmp_path)], check=0)
    run([str(copy), '--install', '-s', str(tmp_path)], check=0)
    for name in APPLETS:
        assert os.readlink(tmp_path / name) == 'isobox'
    run([str(copy), '--install', str(tmp_path)], check=0)
    for name in APPLETS:
        assert not os.path.islink(tmp_path / name)


def test_install_refuses_foreign_file_and_changes_nothing(tmp_path, isobox):
    copy = tmp_path / 'isobox'
    shutil.copy(isobox, copy)
    d = tmp_path / 'bin'
    d.mkdir()
    (d / 'nsinit').write_text('#!/bin/sh\necho mine\n')
    os.symlink('/bin/true', d / 'ssd-isolate')
    p = run([str(copy), '--install', '-s', str(d)])
    assert p.returncode == 125
    assert p.stderr.count('\n') == 1 and 'refusing' in p.stderr and 'bin/' in p.stderr
    # Nothing half-done: the foreign files are intact, nothing was added.
    assert installed(d) == ['nsinit', 'ssd-isolate']
    assert (d / 'nsinit').read_text() == '#!/bin/sh\necho mine\n'
    assert os.readlink(d / 'ssd-isolate') == '/bin/true'


def test_install_symlink_to_other_isobox_copy_is_foreign(tmp_path, isobox):
    a, b = tmp_path / 'a', tmp_path / 'b'
    a.mkdir()
    b.mkdir()
    shutil.copy(isobox, a / 'isobox')
    shutil.copy(isobox, b / 'isobox')
    run([str(b / 'isobox'), '--install', '-s', str(b)], check=0)
    p = run([str(a / 'isobox'), '--install', '-s', str(b)])
    assert p.returncode == 125


def test_install_refuses_to_replace_the_binary_itself(tmp_path, isobox):
    copy = tmp_path / 'nsinit'
    shutil.copy(isobox, copy)
    p = run([str(copy.parent / 'nsinit')], executable=str(copy))
    # Called as nsinit it is the applet; as isobox it must refuse -s over itself.
    front = tmp_path / 'isobox'
    os.symlink('nsinit', front)
    p = run([str(front), '--install', '-s', str(tmp_path)])
    assert p.returncode == 125 and 'itself' in p.stderr
    assert os.path.isfile(copy) and not os.path.islink(copy)


def test_install_usage_errors(isobox, tmp_path):
    for args in (['--install'], ['--install', '-s'], ['--install', '-x', str(tmp_path)],
                 ['--install', str(tmp_path), 'extra']):
        p = run([isobox] + args)
        assert p.returncode == 125 and p.stderr.count('\n') == 1, args
    p = run([isobox, '--install', str(tmp_path / 'missing')])
    assert p.returncode == 125 and 'missing' in p.stderr
