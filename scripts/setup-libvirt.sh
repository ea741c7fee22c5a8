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

pgrep -x virtlogd >/dev/null || virtlogd -d
pgrep -x libvirtd >/dev/null || libvirtd -d

for _ in $(seq 1 50); do
  if virsh -c qemu:///system version >/dev/null 2>&1; then
    virsh -c qemu:///system version
    exit 0
  fi
  sleep 0.2
done
echo "libvirtd did not answer on qemu:///system; see /var/log/libvirt" >&2
exit 1
