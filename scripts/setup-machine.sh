#!/usr/bin/env bash
# What this Debian (or Ubuntu) machine needs for the demo or the tests, and installs it.
#   setup-machine.sh demo|test          installs what is missing (run as root)
#   setup-machine.sh --check demo|test  prints what is missing, one per line; exits 1 if anything is
# demo: redis-server, and libvirt-dev with a compiler so npm builds the KVM binding (@unraid/libvirt).
# test: the same, plus libvirtd with QEMU running (scripts/setup-libvirt.sh) for the KVM system test.
# `npm run demo` and `npm test` call it themselves when they run as root; it is idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
here="$(cd "$(dirname "$0")" && pwd)"

check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
purpose="${1:-}"
case "$purpose" in
  demo | test) ;;
  *)
    echo "usage: $0 [--check] demo|test" >&2
    exit 64
    ;;
esac

missing=()
has_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
need_pkg() { has_pkg "$1" || missing+=("$1"); }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }

need_cmd redis-server redis-server
need_pkg libvirt-dev
# node-gyp builds the binding with these (a fresh machine usually has them).
need_cmd g++ g++
need_cmd make make
need_cmd python3 python3
if [ "$purpose" = test ]; then
  for p in libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils; do need_pkg "$p"; done
  # Installed is not enough: the KVM system test talks to a running libvirtd.
  if ((${#missing[@]} == 0)) && ! virsh -c qemu:///system version >/dev/null 2>&1; then
    missing+=("libvirtd (not running)")
  fi
fi

if ((check)); then
  ((${#missing[@]})) || exit 0
  printf '%s\n' "${missing[@]}"
  exit 1
fi

if [ "$(id -u)" != 0 ]; then
  echo "setup-machine.sh installs Debian packages: run it as root (sudo bash $0 $purpose)." >&2
  exit 77
fi

packages=()
for m in "${missing[@]+"${missing[@]}"}"; do
  case "$m" in "libvirtd (not running)") ;; *) packages+=("$m") ;; esac
done
if ((${#packages[@]})); then
  echo "Installing ${packages[*]} with apt-get…"
  # A fresh machine has no package lists yet; try without an update first, it is much faster.
  apt-get install -y -qq "${packages[@]}" >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq "${packages[@]}" >/dev/null
  }
fi
if [ "$purpose" = test ]; then
  echo "Starting libvirtd with QEMU (scripts/setup-libvirt.sh)…"
  bash "$here/setup-libvirt.sh" >/dev/null
fi
exit 0
