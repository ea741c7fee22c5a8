/** `vzctl snapshot-list`: parses its own options (after the lock, as vzctl does) and prints the table. */
import { getoptLong } from '../getopt.js';
import { direct } from '../log.js';
import { readTree, type SnapshotEntry } from '../snapshot-store.js';
import { normalizeGuid } from '../vzctl-args.js';
import { type Ctx, cfgOf } from './common.js';

interface Field {
  name: string;
  hdr: string;
  /** printf width; negative is left-aligned. */
  width: number;
  value: (s: SnapshotEntry) => string;
}

const FIELDS: Field[] = [
  { name: 'uuid', hdr: 'UUID', width: -38, value: (s) => s.guid },
  { name: 'parent_uuid', hdr: 'PARENT_UUID', width: -38, value: (s) => s.parent },
  { name: 'current', hdr: 'C', width: 1, value: (s) => (s.current ? '*' : '') },
  { name: 'date', hdr: 'DATE', width: -19, value: (s) => s.date },
  { name: 'name', hdr: 'NAME', width: -32, value: (s) => s.name },
  { name: 'desc', hdr: 'DESC', width: -32, value: (s) => s.desc },
  // Devices and mount targets exist only for mounted snapshots, which the simulator never has.
  { name: 'device', hdr: 'DEVICE', width: -16, value: () => '' },
  { name: 'target', hdr: 'TARGET', width: -32, value: () => '' },
];
const ALIASES: Record<string, string> = { id: 'uuid', parent_id: 'parent_uuid' };

const USAGE =
  'vzctl snapshot-list <ctid|name> [-H] [-o field[,field...]] [--id <uuid>]\n' +
  'vzctl snapshot-list <ctid|name> -L | --list';

const pad = (v: string, width: number) => (width < 0 ? v.padEnd(-width) : v.padStart(width));

/** Prints a usage error and hands back the exit code. */
function fail(msg: string, code: number): number {
  direct.err(msg);
  return code;
}

interface ListOptions {
  noHeader: boolean;
  fields: Field[];
  guid?: string;
}

/** Parses the options; a number is the exit code to return right away. */
function parseListArgs(args: readonly string[]): ListOptions | number {
  const longs = ['no-header', 'help', 'list'].map((name) => ({ name, arg: false }));
  longs.push(...['output', 'uuid', 'id'].map((name) => ({ name, arg: true })));
  const res = getoptLong('vzctl', args, longs, 'HhLo:u:');
  if (res.error) {
    direct.err(res.error);
    direct.err(USAGE);
    return 20;
  }
  const opts: ListOptions = { noHeader: false, fields: [] };
  let output = 'parent_uuid,current,uuid,date,name';
  for (const o of res.options) {
    if (o.name === 'H' || o.name === 'no-header') opts.noHeader = true;
    else if (o.name === 'o' || o.name === 'output') output = o.value ?? '';
    else if (o.name === 'h' || o.name === 'help') {
      direct.out(USAGE);
      return 0;
    } else if (o.name === 'L' || o.name === 'list') {
      for (const f of FIELDS) direct.out(`${f.name.padEnd(15)} ${f.hdr.padEnd(15)}`);
      return 0;
    } else {
      opts.guid = normalizeGuid(o.value ?? '');
      if (!opts.guid) return fail(`Invalid guid is specified: ${o.value}`, 21);
    }
  }
  if (res.rest.length) return fail(`Invalid extra arguments: ${res.rest.map((a) => `${a} `).join('')}`, 20);
  for (const name of output.split(',')) {
    const field = FIELDS.find((f) => f.name === (ALIASES[name.toLowerCase()] ?? name.toLowerCase()));
    if (!field) return fail(`Unknown field: ${name}`, 21);
    opts.fields.push(field);
  }
  return opts;
}

/** The snapshots to show: all in creation order, or the chain from --id down to the base. */
function selectRows(tree: SnapshotEntry[], guid: string | undefined): SnapshotEntry[] | number {
  if (guid === undefined) return tree;
  const chain: SnapshotEntry[] = [];
  let next: string = guid;
  while (next) {
    const s = tree.find((e) => e.guid === next);
    if (!s) return fail(`Can't find snapshot by uuid ${next}`, 21);
    chain.push(s);
    next = s.parent;
  }
  return chain;
}

export function snapshotList(ctx: Ctx, args: readonly string[]): number {
  const opts = parseListArgs(args);
  if (typeof opts === 'number') return opts;
  const cfg = cfgOf(ctx);
  if (cfg.layout !== 'ploop') {
    ctx.log.error('Snapshot feature is only available for ploop-based CTs');
    return 167;
  }
  const tree = readTree(ctx.host, cfg.privatePath) ?? [];
  const rows = selectRows(tree, opts.guid);
  if (typeof rows === 'number') return rows;
  const out: string[] = [];
  // The header pads every column, the last one too; data rows print the last column bare.
  if (!opts.noHeader) out.push(opts.fields.map((f) => pad(f.hdr, f.width)).join(' '));
  for (const s of rows) {
    out.push(
      opts.fields
        .map((f, i) => (i === opts.fields.length - 1 ? f.value(s) : pad(f.value(s), f.width)))
        .join(' '),
    );
  }
  if (out.length) process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
