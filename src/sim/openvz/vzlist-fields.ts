/**
 * vzlist's field table: name, header, printf format, table and JSON renderers, sort key.
 * Table cells follow vzlist.c: strings are cut to their width unless last (or -t), `-` when unset.
 */

import { UBC_HEADERS, UBC_NAMES, type UbcName } from './ubc.js';
import { fmtUl } from './units.js';
import { isVswap, type VeInfo } from './vzlist-collect.js';

/** How a cell is being printed. */
export interface CellCtx {
  json: boolean;
  /** The last column, or -t: strings are not cut. */
  last: boolean;
}

export interface Field {
  name: string;
  hdr: string;
  /** Header printf width; negative is left-aligned. */
  hdrWidth: number;
  /** Suffixed fields (.m/.b/.l/.f/.s/.h) are table-only. */
  suffixed: boolean;
  render: (v: VeInfo, c: CellCtx) => string;
  sortKey: (v: VeInfo) => number | string | undefined;
}

export const pad = (s: string, width: number): string => (width < 0 ? s.padEnd(-width) : s.padStart(width));

/** PRINT_STR_FIELD: `"%s"`/null in JSON, padded and cut to the width in tables. */
function strCell(value: string | undefined, width: number, c: CellCtx): string {
  if (c.json) return value === undefined ? 'null' : `"${value}"`;
  const cell = pad(value ?? '-', width);
  return c.last ? cell : cell.slice(0, Math.abs(width));
}

/** ip/nameserver/searchdomain: JSON arrays; in tables only the first item unless last. */
function listCell(value: string | undefined, c: CellCtx): string {
  const items = (value ?? '').split(/[ \t]+/).filter(Boolean);
  if (c.json) return `[${items.map((i) => `"${i}"`).join(', ')}]`;
  const text = value === undefined ? '-' : c.last ? value : (value.split(' ')[0] ?? '');
  const cell = text.padEnd(15);
  return c.last ? cell : cell.slice(0, 15);
}

function boolCell(value: boolean, width: number, c: CellCtx): string {
  return c.json ? String(value) : pad(value ? 'yes' : 'no', width);
}

function numOrDash(value: number | undefined, width: number, c: CellCtx, jsonNull = 'null'): string {
  if (c.json) return value === undefined ? jsonNull : String(value);
  return pad(value === undefined ? '-' : String(value), width);
}

function mapCell(map: Record<string, boolean> | undefined, c: CellCtx): string {
  const entries = Object.entries(map ?? {});
  if (c.json) {
    if (!entries.length) return 'null';
    return `{\n${entries.map(([k, on]) => `      "${k}": ${on}`).join(',\n')}\n    }`;
  }
  return strCell(
    entries.length ? entries.map(([k, on]) => `${k}:${on ? 'on' : 'off'}`).join(',') : undefined,
    -15,
    c,
  );
}

const UBC_KEYS = ['held', 'maxheld', 'barrier', 'limit', 'failcnt'] as const;

function ubcCell(v: VeInfo, res: UbcName, index: number, c: CellCtx): string {
  const row = v.ubc[res];
  const running = v.status === 'running';
  if (c.json) {
    const vals = [
      running ? row.held : 0,
      running ? row.maxheld : 0,
      row.barrier,
      row.limit,
      running ? row.failcnt : 0,
    ];
    return `{\n${UBC_KEYS.map((k, i) => `      "${k}": ${fmtUl(vals[i] ?? 0)}`).join(',\n')}\n    }`;
  }
  // held, maxheld and failcnt exist only while the CT runs.
  if (!running && (index === 0 || index === 1 || index === 4)) return pad('-', 10);
  return pad(fmtUl(row[UBC_KEYS[index] ?? 'held']), 10);
}

function dqCell(v: VeInfo, which: 'diskspace' | 'diskinodes', index: number, c: CellCtx): string {
  const q = v.quota?.[which];
  if (c.json) {
    if (!q) return 'null';
    return `{\n      "usage": ${q[0]},\n      "softlimit": ${fmtUl(q[1])},\n      "hardlimit": ${fmtUl(q[2])}\n    }`;
  }
  const value = q?.[index];
  return pad(value === undefined || (index === 0 && value === 0) ? '-' : fmtUl(value), 10);
}

function uptimeCell(v: VeInfo, c: CellCtx): string {
  const up = v.cpustat?.uptime;
  if (c.json) return (up ?? 0).toFixed(3);
  if (up === undefined) return pad('-', 15);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(up / 86400);
  const mins = Math.floor(up / 60);
  const secs = Math.floor(up - 60 * (mins % 60) - 3600 * (Math.floor(mins / 60) % 24) - 86400 * days);
  return `${String(days).padStart(3, '0')}d${p2(Math.floor(mins / 60) % 24)}h:${p2(mins % 60)}m:${p2(secs)}s`;
}

function laverageCell(v: VeInfo, c: CellCtx): string {
  const la = v.cpustat?.la;
  if (!la) return c.json ? 'null' : pad('-', 14);
  const f = la.map((n) => n.toFixed(2));
  return c.json ? `[${f.join(', ')}]` : f.join('/');
}

type Simple = [name: string, hdr: string, hdrWidth: number, render: Field['render'], key: Field['sortKey']];

const veid: Field['render'] = (v, c) => (c.json ? String(v.ctid) : pad(String(v.ctid), 10));

const HEAD: Simple[] = [
  ['ctid', 'CTID', 10, veid, (v) => v.ctid],
  ['veid', 'CTID', 10, veid, (v) => v.ctid],
  ['vpsid', 'CTID', 10, veid, (v) => v.ctid],
  ['private', 'PRIVATE', -32, (v, c) => strCell(v.private, -32, c), (v) => v.private],
  ['root', 'ROOT', -32, (v, c) => strCell(v.root, -32, c), (v) => v.root],
  ['mount_opts', 'MOUNT_OPTS', -16, (v, c) => strCell(v.mountOpts, -16, c), (v) => v.mountOpts],
  ['origin_sample', 'ORIGIN_SAMPLE', 32, (v, c) => strCell(v.originSample, -32, c), (v) => v.originSample],
  ['hostname', 'HOSTNAME', -32, (v, c) => strCell(v.hostname, -32, c), (v) => v.hostname],
  ['name', 'NAME', -32, (v, c) => strCell(v.name, -32, c), (v) => v.name],
  [
    'smart_name',
    'SMARTNAME',
    10,
    (v, c) => (v.name === undefined ? veid(v, c) : strCell(v.name, 10, c)),
    (v) => v.name,
  ],
  ['description', 'DESCRIPTION', -32, (v, c) => strCell(v.description, -32, c), (v) => v.description],
  ['ostemplate', 'OSTEMPLATE', -32, (v, c) => strCell(v.ostemplate, -32, c), (v) => v.ostemplate],
  ['ip', 'IP_ADDR', -15, (v, c) => listCell(v.ip, c), (v) => v.ip],
  ['nameserver', 'NAMESERVER', -15, (v, c) => listCell(v.nameserver, c), (v) => v.nameserver],
  ['searchdomain', 'SEARCHDOMAIN', -15, (v, c) => listCell(v.searchdomain, c), (v) => v.searchdomain],
  ['status', 'STATUS', -9, (v, c) => (c.json ? `"${v.status}"` : v.status.padEnd(9)), (v) => v.status],
];

const TAIL: Simple[] = [
  ['laverage', 'LAVERAGE', 14, laverageCell, (v) => v.cpustat?.la[0]],
  ['uptime', 'UPTIME', 15, uptimeCell, (v) => v.cpustat?.uptime],
  ['cpulimit', 'CPULIM', 7, (v, c) => numOrDash(v.cpu?.limit, 7, c), (v) => v.cpu?.limit],
  ['cpuunits', 'CPUUNI', 7, (v, c) => numOrDash(v.cpu?.units, 7, c), (v) => v.cpu?.units],
  [
    'cpus',
    'CPUS',
    5,
    (v, c) => (c.json ? String(Math.max(0, v.cpunum)) : numOrDash(v.cpunum > 0 ? v.cpunum : undefined, 5, c)),
    (v) => v.cpunum,
  ],
  [
    'ioprio',
    'IOP',
    3,
    (v, c) => (c.json ? String(Math.max(0, v.ioprio)) : numOrDash(v.ioprio < 0 ? undefined : v.ioprio, 3, c)),
    (v) => v.ioprio,
  ],
  ['iolimit', 'IOLIMIT', 10, (v, c) => numOrDash(v.iolimit, 10, c, '0'), (v) => v.iolimit],
  ['iopslimit', 'IOPS', 10, (v, c) => numOrDash(v.iopslimit, 10, c, '0'), (v) => v.iopslimit],
  [
    'onboot',
    'ONBOOT',
    6,
    (v, c) => (v.onboot === undefined ? numOrDash(undefined, 6, c) : boolCell(v.onboot, 6, c)),
    (v) => (v.onboot === undefined ? undefined : Number(v.onboot)),
  ],
  ['bootorder', 'BOOTORDER', 10, (v, c) => numOrDash(v.bootorder, 10, c), (v) => v.bootorder],
  ['layout', 'LAYOUT', 6, (v, c) => (c.json ? `"${v.layout}"` : v.layout.padEnd(6)), (v) => v.layout],
  ['features', 'FEATURES', -15, (v, c) => mapCell(v.features, c), () => undefined],
  ['vswap', 'VSWAP', 5, (v, c) => boolCell(isVswap(v), 5, c), () => undefined],
  ['disabled', 'DISABL', 6, (v, c) => boolCell(v.disabled, 6, c), () => undefined],
  [
    'vm_overcommit',
    'VM_OVC',
    6,
    (v, c) => (c.json ? String(v.vmOvercommit) : pad(String(v.vmOvercommit), 6)),
    (v) => v.vmOvercommit,
  ],
  ['netfilter', 'NETFILTER', -9, (v, c) => strCell(v.netfilter, -9, c), (v) => v.netfilter],
  ['capability', 'CAPABILITY', -15, (v, c) => mapCell(v.capability, c), () => undefined],
];

const simple = ([name, hdr, hdrWidth, render, sortKey]: Simple): Field => ({
  name,
  hdr,
  hdrWidth,
  suffixed: false,
  render,
  sortKey,
});

function ubcFields(res: UbcName): Field[] {
  const suffixes = ['', '.m', '.b', '.l', '.f'];
  return suffixes.map((sfx, index) => ({
    name: `${res}${sfx}`,
    hdr: `${UBC_HEADERS[res]}${sfx.toUpperCase()}`,
    hdrWidth: 10,
    suffixed: index > 0,
    render: (v, c) => ubcCell(v, res, index, c),
    sortKey: (v) => v.ubc[res][UBC_KEYS[index] ?? 'held'],
  }));
}

function dqFields(which: 'diskspace' | 'diskinodes', hdr: string): Field[] {
  return ['', '.s', '.h'].map((sfx, index) => ({
    name: `${which}${sfx}`,
    hdr: `${hdr}${sfx.toUpperCase()}`,
    hdrWidth: 10,
    suffixed: index > 0,
    render: (v, c) => dqCell(v, which, index, c),
    sortKey: (v) => v.quota?.[which][index],
  }));
}

/** Every field, in vzlist's order (also the order of keys in default JSON output). */
export const FIELDS: readonly Field[] = [
  ...HEAD.map(simple),
  ...UBC_NAMES.flatMap(ubcFields),
  ...dqFields('diskspace', 'DSPACE'),
  ...dqFields('diskinodes', 'DINODES'),
  ...TAIL.map(simple),
];

export function findField(name: string): Field | undefined {
  return FIELDS.find((f) => f.name === name);
}
