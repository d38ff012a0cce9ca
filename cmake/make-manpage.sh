#!/bin/sh
# Writes a gzipped man page for PROGRAM from its own --help texts, so the page never
# drifts from the code:
#   make-manpage.sh PROGRAM NAME SECTION SUMMARY OUT.gz [--subcommands]
# The description is `PROGRAM --help`; with --subcommands, each command listed under
# "Commands:" in that help gets a section with `PROGRAM COMMAND --help`. Output is
# reproducible (gzip -n, no dates).
set -eu
program=$1 name=$2 section=$3 summary=$4 out=$5
shift 5
version=$("$program" --version 2>/dev/null || "$program" version)
version=${version##* }

# Help text as roff: backslashes escaped, lines that start with . or ' protected, and
# kept as they are (no filling), in a plain font.
as_roff() {
  printf '.nf\n'
  sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/" -e 's/^$/.sp/'
  printf '.fi\n'
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
  printf '.TH %s %s "" "%s %s" "User Commands"\n' "$(echo "$name" | tr a-z A-Z)" "$section" "$name" "$version"
  printf '.SH NAME\n%s \\- %s\n' "$name" "$summary"
  printf '.SH DESCRIPTION\n'
  "$program" --help | as_roff
  commands=""
  if [ "${1:-}" = --subcommands ]; then
    commands=$("$program" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
  fi
  for command in $commands; do
    printf '.SH "%s %s"\n' "$(echo "$name" | tr a-z A-Z)" "$(echo "$command" | tr a-z A-Z)"
    "$program" "$command" --help | as_roff
  done
  printf '.SH FILES\n'
  case "$name" in
    uml-agent) printf '.TP\n/etc/uml-agent/config.json\nsettings, a JSON object; also uml_agent.KEY=VALUE on the kernel command line and --set. The keys and their defaults are in docs/configuration.md in the uml-agent sources (not installed)\n.TP\n/run/uml-agent/last-run.json\nthe last run'"'"'s report (uml-agent status)\n' ;;
    uml-bridge) printf '.TP\n/lib/systemd/system/uml@.service\nsystemd template unit; reads /etc/uml-bridge/INSTANCE.env\n.TP\n~/.uml/UMID/\nUML'"'"'s mconsole socket and pid of each running guest\n' ;;
  esac
  printf '.SH VERSION\n%s %s\n' "$name" "$version"
} > "$tmp"
gzip -9n < "$tmp" > "$out"
