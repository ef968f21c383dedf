#!/bin/sh
# The README's first command ends here: a short, real demo of isobox.
# Usage: sh tests/demo.sh path/to/isobox
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(mktemp -d "${TMPDIR:-/tmp}/isobox-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
echo "== $(file -b "$bin" | cut -d, -f1-2,4-5); $(stat -c %s "$bin") bytes"
echo "== isobox --list"
"$bin" --list
echo "== isobox --install -s $dir, then dispatch through the link"
"$bin" --install -s "$dir"
ls -l "$dir" | sed -n 's/.* \([a-z-]* -> .*\)/   \1/p'
"$dir/nsinit" --help | head -n 1
echo "== encapsulate: only $dir/w is writable; root inside has no capabilities"
mkdir "$dir/w"
"$dir/encapsulate" "$dir/w" touch /etc/encapsulate-demo 2>&1 | sed 's/^/   /' || true
"$dir/encapsulate" "$dir/w" sh -c 'echo "written inside the sandbox" > "$1/note"' sh "$dir/w"
echo "   on the host afterwards, $dir/w/note: $(cat "$dir/w/note")"
echo "== encapsulate '' ps -e: the reaper (PID 1) and COMMAND (PID 2), nothing of the host"
"$dir/encapsulate" '' ps -e -o pid,comm | sed 's/^/   /'
