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
