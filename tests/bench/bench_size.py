"""Binary size of isobox against busybox-static, tini-static and the four
applets' peers (the file on disk; for a dynamic binary also what it loads)."""
import os
import subprocess

TITLE = 'Binary size'
ORDER = 10
TARGET_BYTES = 80 * 1024


def elf_info(path):
    """(static?, [resolved shared libraries])"""
    hdr = subprocess.run(['readelf', '-lW', path], capture_output=True, text=True).stdout
    if 'INTERP' not in hdr:
        return True, []
    libs = []
    for line in subprocess.run(['ldd', path], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if '=>' in parts and len(parts) > parts.index('=>') + 1 and parts[parts.index('=>') + 1].startswith('/'):
            libs.append(parts[parts.index('=>') + 1])
        elif parts and parts[0].startswith('/'):
            libs.append(parts[0])  # the loader
    return False, libs


def run(ctx):
    sec = ctx.section(TITLE)
    size = subprocess.run(['size', ctx.binary], capture_output=True, text=True).stdout.split('\n')[1].split()
    mine = os.path.getsize(ctx.binary)
    sec.text('isobox: %d bytes stripped (text %s, data %s, bss %s), %d applets'
             % (mine, size[0], size[1], size[2], len(ctx.applets)))
    peers = [
        ('isobox (all applets)', ctx.binary, True),
        ('busybox-static', ctx.which('/bin/busybox', '/usr/bin/busybox'), False),
        ('tini-static (nsinit peer)', ctx.which('tini-static'), False),
        ('tini (nsinit peer)', ctx.which('tini'), False),
        ('catatonit (nsinit peer)', ctx.which('catatonit'), False),
        ('dumb-init (nsinit peer)', ctx.which('dumb-init'), False),
        ('bwrap (encapsulate peer)', ctx.which('bwrap'), False),
        ('nsenter (nsenter-lite peer)', ctx.which('nsenter'), False),
        ('start-stop-daemon (ssd-isolate peer)', ctx.which('start-stop-daemon', '/sbin/start-stop-daemon'), False),
    ]
    rows, bars, four = [], [], set()
    for label, path, ours in peers:
        if not path:
            rows.append([label, 'not installed', '', ''])
            continue
        real = os.path.realpath(path)
        static, libs = elf_info(real)
        b = os.path.getsize(real)
        with_libs = b + sum(os.path.getsize(os.path.realpath(l)) for l in libs)
        rows.append([label, b, 'static' if static else 'dynamic, %d libraries' % len(libs),
                     with_libs])
        bars.append((label.split(' (')[0], with_libs / 1024, ours))
        if label.split(' ')[0] in ('tini-static', 'bwrap', 'nsenter', 'start-stop-daemon'):
            four |= {real} | {os.path.realpath(l) for l in libs}
    if four:
        rows.append(['the four peers together (tini-static, bwrap, nsenter, start-stop-daemon)',
                     '', '', sum(os.path.getsize(f) for f in four)])
    sec.table(['binary', 'bytes', 'linking', 'bytes with its libraries'], rows,
              note='"with its libraries": the file plus every shared library ldd resolves for it '
              '(for the four peers together, each library counted once)')
    sec.chart('Size with the libraries it needs (KiB, smaller is better)', 'KiB', bars)
    sec.target('whole binary under 80 KB stripped', mine < TARGET_BYTES,
               '%d bytes = %.1f KiB' % (mine, mine / 1024))
