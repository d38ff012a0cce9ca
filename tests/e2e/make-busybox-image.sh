#!/bin/sh
# Builds a small ext4 root image holding busybox and the static agent, without
# mounting anything (mke2fs -d). Its /init mounts /proc, /sys and /run, sources
# /etc/e2e/before-agent if present, runs `uml-agent boot`, sources
# /etc/e2e/after-agent if present, then powers off.
#
#   make-busybox-image.sh --agent PATH --out IMG [--size MB] [--stage DIR]
#                         [--before FILE] [--after FILE] [--add SRC=DEST]...
#                         [--static-dev] [--no-init]
# --stage keeps the staging tree in DIR (it is rebuilt from scratch).
# --static-dev fills /dev with the nodes of an old image: ubd/0..7 at minors 0..7
#   (the devfs-era mistake), console, null, tty0..tty8, kmsg.
# --no-init leaves /init out (for images booted with init=/sbin/uml-agent).
set -eu
agent="" out="" size=64 stage="" before="" after="" static_dev=0 with_init=1 adds=""
while [ $# -gt 0 ]; do
  case "$1" in
    --agent) agent=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --stage) stage=$2; shift 2 ;;
    --before) before=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --add) adds="$adds $2"; shift 2 ;;
    --static-dev) static_dev=1; shift ;;
    --no-init) with_init=0; shift ;;
    *) echo "make-busybox-image: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$agent" ] && [ -n "$out" ] || { echo "make-busybox-image: --agent and --out are required" >&2; exit 2; }
busybox=$(command -v busybox)
file -L "$busybox" | grep -q "statically linked" || { echo "make-busybox-image: $busybox is not static (install busybox-static)" >&2; exit 2; }

if [ -z "$stage" ]; then
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
else
  rm -rf "$stage" && mkdir -p "$stage"
fi
root=$stage
mkdir -p "$root"/bin "$root"/sbin "$root"/usr/bin "$root"/usr/sbin "$root"/etc/e2e "$root"/proc \
  "$root"/sys "$root"/dev "$root"/run "$root"/tmp "$root"/mnt "$root"/root "$root"/var
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
  [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
# Stripped, as an installed agent is: debug info would only slow its exec in UML.
strip -o "$root/sbin/uml-agent" "$agent" && chmod 0755 "$root/sbin/uml-agent"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
: > "$root/etc/fstab"
[ -n "$before" ] && install -m 0755 "$before" "$root/etc/e2e/before-agent"
[ -n "$after" ] && install -m 0755 "$after" "$root/etc/e2e/after-agent"
for pair in $adds; do
  src=${pair%%=*} dest=${pair#*=}
  mkdir -p "$root/$(dirname "$dest")"
  cp -a "$src" "$root/$dest"
done
if [ "$with_init" = 1 ]; then
  cat > "$root/init" <<'INIT'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
[ -f /etc/e2e/before-agent ] && . /etc/e2e/before-agent
/sbin/uml-agent boot
echo "init: uml-agent boot exited with $?"
[ -f /etc/e2e/after-agent ] && . /etc/e2e/after-agent
poweroff -f
INIT
  chmod 0755 "$root/init"
fi
if [ "$static_dev" = 1 ]; then
  mkdir -p "$root/dev/ubd"
  for n in 0 1 2 3 4 5 6 7; do mknod -m 0660 "$root/dev/ubd/$n" b 98 "$n"; done
  mknod -m 0600 "$root/dev/console" c 5 1
  mknod -m 0666 "$root/dev/null" c 1 3
  mknod -m 0644 "$root/dev/kmsg" c 1 11
  for n in 0 1 2 3 4 5 6 7 8; do mknod -m 0620 "$root/dev/tty$n" c 4 "$n"; done
fi
rm -f "$out"
mke2fs -q -F -t ext4 -d "$root" "$out" "${size}M"
