#!/usr/bin/env bash
# Installs and starts libvirtd with the QEMU driver on a Debian machine without systemd
# (CI, containers, test VMs). On a normal host use your distribution's service instead.
# Idempotent: safe to run again. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-dev qemu-system-x86 qemu-utils)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd -r -g libvirt-qemu -G kvm libvirt-qemu
mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/vpsops/images
# What Debian's udev rule does on a normal boot. Without it libvirtd re-probes QEMU on every
# call ("KVM was enabled when probing ... but it is not available now"): starts take seconds.
if [ -e /dev/kvm ]; then
  chgrp kvm /dev/kvm
  chmod 0660 /dev/kvm
fi

answers() { virsh -c qemu:///system version >/dev/null 2>&1; }

pgrep -x virtlogd >/dev/null || virtlogd -d
if ! answers; then
  # A daemon that is still going away (or is stuck) keeps its pid file: let it finish, else end it.
  for _ in $(seq 1 25); do pgrep -x libvirtd >/dev/null || break; sleep 0.2; done
  pkill -x libvirtd 2>/dev/null && sleep 1 || true
  libvirtd -d
fi

# A cold start probes QEMU's capabilities first, which can take a while on a slow machine.
for _ in $(seq 1 300); do
  if answers; then
    # The first QEMU guest defined makes libvirtd probe QEMU's capabilities, which takes a minute
    # or more on a cold, busy machine: do it here, so that no test's time limit pays for it.
    timeout 600 virsh -c qemu:///system domcapabilities --virttype qemu >/dev/null 2>&1 || true
    virsh -c qemu:///system version
    exit 0
  fi
  sleep 0.2
done
echo "libvirtd did not answer on qemu:///system within 60 s; see /var/log/libvirt/libvirtd.log" >&2
exit 1
