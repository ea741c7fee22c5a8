/** The files a fresh OpenVZ install ships in /etc/vz: the global vz.conf and the VSwap samples. */

/** RAM and swap (MiB) of the ve-vswap-*.conf-sample files. */
export const VSWAP_SAMPLES: Record<string, [number, number]> = {
  'vswap-256m': [256, 512],
  'vswap-512m': [512, 1024],
  'vswap-1g': [1024, 2048],
  'vswap-1024m': [1024, 2048],
  'vswap-2g': [2048, 4096],
  'vswap-4g': [4096, 8192],
};

function mb(n: number): string {
  return n % 1024 === 0 ? `${n / 1024}G` : `${n}M`;
}

/** Contents of /etc/vz/conf/ve-<name>.conf-sample. */
export function sampleText(name: string, ramMiB: number, swapMiB: number): string {
  return `# This is an example configuration file for so-called "vswap" containers.
# RAM: ${mb(ramMiB)}, swap: ${mb(swapMiB)}.
#
# Copyright (C) 2011-2013, Parallels, Inc. All rights reserved.

# RAM
PHYSPAGES="0:${mb(ramMiB)}"

# Swap
SWAPPAGES="0:${mb(swapMiB)}"

# Disk quota parameters (in form of softlimit:hardlimit)
DISKSPACE="2G:2.2G"
DISKINODES="131072:144179"
QUOTATIME="0"

# CPU fair scheduler parameter
CPUUNITS="1000"

NETFILTER="stateless"
VE_ROOT="/vz/root/$VEID"
VE_PRIVATE="/vz/private/$VEID"
ORIGIN_SAMPLE="${name}"
`;
}

/** Contents of /etc/vz/vz.conf. */
export function globalConfText(defaultTemplate: string): string {
  return `## Global parameters
VIRTUOZZO=yes
LOCKDIR=/vz/lock
DUMPDIR=/vz/dump
VE0CPUUNITS=1000

## Logging parameters
LOGGING=yes
LOGFILE=/var/log/vzctl.log
LOG_LEVEL=0
VERBOSE=0

## Disk quota parameters
DISK_QUOTA=yes
VZFASTBOOT=no

# Disable module loading. If set, vz initscript does not load any modules.
#MODULES_DISABLED=yes

# The name of the device whose IP address will be used as source IP for CT.
# By default automatically assigned.
#VE_ROUTE_SRC_DEV="eth0"

# Controls which interfaces to send ARP requests and modify ARP tables on.
NEIGHBOUR_DEVS=detect

## Fail if there is another machine in the network with the same IP
ERROR_ON_ARPFAIL="no"

## Template parameters
TEMPLATE=/vz/template

## Defaults for containers
VE_ROOT=/vz/root/$VEID
VE_PRIVATE=/vz/private/$VEID
CONFIGFILE="vswap-256m"
DEF_OSTEMPLATE="${defaultTemplate}"

## Filesystem layout for new CTs: either simfs (default) or ploop
VE_LAYOUT=ploop

## Load vzwdog module
VZWDOG="no"

## IPv4 iptables kernel modules to be enabled in CTs by default
IPTABLES="ipt_REJECT ipt_tos ipt_limit ipt_multiport iptable_filter iptable_mangle ipt_TCPMSS ipt_tcpmss ipt_ttl ipt_length"
## IPv4 iptables kernel modules to be loaded by init.d/vz script
IPTABLES_MODULES="$IPTABLES"

## Enable IPv6
IPV6="yes"

## IPv6 ip6tables kernel modules
IP6TABLES="ip6_tables ip6table_filter ip6table_mangle ip6t_REJECT"
`;
}
