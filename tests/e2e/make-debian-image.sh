#!/bin/sh
# Builds (or reuses from the cache) an ext4 image of a Debian bookworm minbase root
# made with mmdebstrap from this machine's own apt sources (no mirror is named: the
# host's sources.list and sources.list.d files are handed to mmdebstrap, which reads
# neither by itself, and so is the proxy apt is configured with), without mounting
# anything (mke2fs -d).
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
# mmdebstrap runs apt with a configuration of its own: the host's proxy settings are
# passed on, and its sources given as files (one-line or deb822, as apt reads them).
set -- --quiet --variant=minbase --include="$packages"
apt-config dump | grep -E '^Acquire::[a-z]+::Proxy(::[^ ]+)? ' >"$tree.aptopts" || true
while IFS= read -r option; do
  set -- "$@" "--aptopt=$option"
done <"$tree.aptopts"
rm -f "$tree.aptopts"
set -- "$@" bookworm "$tree"
sources=0
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$file" ] || continue
  set -- "$@" "$file"
  sources=$((sources + 1))
done
[ "$sources" -gt 0 ] || { echo "make-debian-image: this machine has no apt sources" >&2; exit 2; }
mmdebstrap "$@" >&2
# A root password nobody knows and no getty on the agent's line: the image is for tests.
echo "uml-e2e" > "$tree/etc/hostname"
rm -f "$out.tmp"
mke2fs -q -F -t ext4 -d "$tree" "$out.tmp" "${size}M" >&2
mv "$out.tmp" "$out"
if [ -n "$cached" ]; then
  cp --sparse=always "$out" "$cached.tmp" && mv "$cached.tmp" "$cached"
fi
echo $(( $(date +%s) - start ))
