#!/bin/sh
# Builds (or reuses from the cache) an ext4 image of a Debian bookworm minbase root
# made with mmdebstrap from this machine's own apt sources (no mirror is named: the
# host's sources.list is used), without mounting anything (mke2fs -d).
#
#   make-debian-image.sh --packages LIST --out IMG [--cache DIR] [--size MB]
# LIST is mmdebstrap's comma-separated --include list (e.g. systemd-sysv,kmod).
# The cache key is the package list and this script's own content, so a changed
# recipe never reuses a stale image. Prints the seconds spent building (0 when cached).
set -eu
packages="" out="" cache="${E2E_CACHE:-}" size=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --packages) packages=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    *) echo "make-debian-image: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$packages" ] && [ -n "$out" ] || { echo "make-debian-image: --packages and --out are required" >&2; exit 2; }
key=$( (echo "$packages $size"; cat "$0") | sha256sum | cut -c1-16)
cached=""
if [ -n "$cache" ]; then
  mkdir -p "$cache"
  cached="$cache/debian-bookworm-$key.img"
  if [ -f "$cached" ]; then
    cp --sparse=always "$cached" "$out"
    echo "make-debian-image: reused $cached" >&2
    echo 0
    exit 0
  fi
fi
start=$(date +%s)
tree=$(mktemp -d "${TMPDIR:-/tmp}/debian-root.XXXXXX")
trap 'rm -rf "$tree"' EXIT
mmdebstrap --quiet --variant=minbase --include="$packages" bookworm "$tree" >&2
# A root password nobody knows and no getty on the agent's line: the image is for tests.
echo "uml-e2e" > "$tree/etc/hostname"
rm -f "$out.tmp"
mke2fs -q -F -t ext4 -d "$tree" "$out.tmp" "${size}M" >&2
mv "$out.tmp" "$out"
if [ -n "$cached" ]; then
  cp --sparse=always "$out" "$cached.tmp" && mv "$cached.tmp" "$cached"
fi
echo $(( $(date +%s) - start ))
