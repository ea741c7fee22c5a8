/** The simulated `vzlist` (vzctl 4.11.1): selection, filters, sorting, table and JSON output. */
import { findByName } from './ct-config.js';
import { getoptLong } from './getopt.js';
import { currentHost, type Host } from './paths.js';
import { collect, type VeInfo } from './vzlist-collect.js';
import { FIELDS, type Field, findField, pad } from './vzlist-fields.js';

const USAGE = `Usage:\tvzlist [-a | -S] [-n] [-H] [-o field[,field...] | -1] [-s [-]field]
\t       [-h pattern] [-N pattern] [-d pattern] [CTID [CTID ...]]
\tvzlist -L | --list

Options:
\t-a, --all\t\tlist all containers
\t-S, --stopped\t\tlist stopped containers
\t-n, --name\t\tdisplay containers' names
\t-H, --no-header\t\tsuppress columns header
\t-t, --no-trim\t\tdo not trim long values
\t-j, --json\t\toutput in JSON format
\t-o, --output\t\toutput only specified fields
\t-1\t\t\tsynonym for -H -octid
\t-s, --sort\t\tsort by the specified field
\t\t\t\t('-field' to reverse sort order)
\t-h, --hostname\t\tfilter CTs by hostname pattern
\t-N, --name_filter\tfilter CTs by name pattern
\t-d, --description\tfilter CTs by description pattern
\t-L, --list\t\tget possible field names
`;

const LONGS = [
  ...['no-header', 'no-trim', 'stopped', 'all', 'name', 'json', 'list', 'help'].map((name) => ({
    name,
    arg: false,
  })),
  ...['name_filter', 'hostname', 'description', 'output', 'sort'].map((name) => ({ name, arg: true })),
];
const LONG_TO_SHORT: Record<string, string> = {
  'no-header': 'H',
  'no-trim': 't',
  stopped: 'S',
  all: 'a',
  name: 'n',
  json: 'j',
  list: 'L',
  help: 'e',
  name_filter: 'N',
  hostname: 'h',
  description: 'd',
  output: 'o',
  sort: 's',
};

interface Options {
  all: boolean;
  stopped: boolean;
  header: boolean;
  trim: boolean;
  json: boolean;
  output?: string;
  sort?: { field: Field; reverse: boolean };
  patterns: { hostname?: RegExp; name?: RegExp; description?: RegExp };
  ids?: number[];
}

/** Prints an error line to stderr and hands back the exit code. */
function fail(msg: string, code = 1): number {
  process.stderr.write(`${msg}\n`);
  return code;
}

/** fnmatch(3) without flags, as a RegExp. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** Applies an option without a special exit path. */
function setOption(o: Options, letter: string, value: string): boolean {
  switch (letter) {
    case 'S':
      o.stopped = true;
      break;
    case 't':
      o.trim = false;
      break;
    case 'H':
      o.header = false;
      break;
    case 'a':
      o.all = true;
      break;
    case 'j':
      o.json = true;
      break;
    case 'n':
      o.output = 'smart_name,numproc,status,ip,hostname';
      break;
    case '1':
      o.output = 'veid';
      o.header = false;
      break;
    case 'o':
      o.output = value;
      break;
    case 'h':
    case 'N':
    case 'd':
      o.patterns[letter === 'h' ? 'hostname' : letter === 'N' ? 'name' : 'description'] = globToRegExp(value);
      break;
    default:
      return false;
  }
  return true;
}

/** Applies one option; a number means "exit now with this code". */
function applyOption(o: Options, letter: string, value: string): number | undefined {
  if (setOption(o, letter, value)) return undefined;
  if (letter === 'L') {
    for (const field of FIELDS) process.stdout.write(`${field.name.padEnd(15)} ${field.hdr.padEnd(15)}\n`);
    return 0;
  }
  if (letter === 's') {
    const reverse = value.startsWith('-');
    const field = findField(reverse ? value.slice(1) : value);
    if (!field) return fail(`Invalid sort field name: ${value}`);
    o.sort = { field, reverse };
    return undefined;
  }
  // --help and anything getopt let through: usage on stdout, exit 1, as vzlist does.
  process.stdout.write(USAGE);
  return 1;
}

/** Command-line CTIDs: numbers or names; a bad one ends the run. */
function parseIds(host: Host, words: readonly string[]): number[] | number {
  const ids: number[] = [];
  for (const w of words) {
    let id = /^\d+$/.test(w) ? Number(w) : 0;
    if (id === 0) id = findByName(host, w) ?? -1;
    if (id < 0) return fail(`CT ID ${w} is invalid.`);
    ids.push(id);
  }
  return ids.sort((a, b) => a - b);
}

function parseArgs(host: Host, argv: readonly string[]): Options | number {
  const res = getoptLong('vzlist', argv, LONGS, 'HtSanjN:h:d:o:s:Le1');
  if (res.error) {
    process.stderr.write(`${res.error}\n`);
    process.stdout.write(USAGE);
    return 1;
  }
  const o: Options = { all: false, stopped: false, header: true, trim: true, json: false, patterns: {} };
  for (const opt of res.options) {
    const code = applyOption(o, LONG_TO_SHORT[opt.name] ?? opt.name, opt.value ?? '');
    if (code !== undefined) return code;
  }
  if (res.rest.length) {
    const ids = parseIds(host, res.rest);
    if (typeof ids === 'number') return ids;
    o.ids = ids;
  }
  return o;
}

/** The columns to print; undefined with -j and no -o means "every unsuffixed field". */
function fieldOrder(o: Options): Field[] | number {
  const spec = o.output ?? (o.json ? undefined : 'ctid,numproc,status,ip,hostname');
  if (spec === undefined) return FIELDS.filter((f) => !f.suffixed);
  const out: Field[] = [];
  for (const name of spec.split(',')) {
    const field = findField(name);
    if (!field) return fail(`Unknown field: ${name}`);
    if (o.json && field.suffixed) return fail(`Field \`${name}' is not available in JSON output`);
    out.push(field);
  }
  return out;
}

function compare(field: Field, a: VeInfo, b: VeInfo): number {
  const ka = field.sortKey(a);
  const kb = field.sortKey(b);
  // Unset values sort first, as vzlist's check_empty_param does.
  if (ka === undefined || kb === undefined) return ka === kb ? a.ctid - b.ctid : ka === undefined ? -1 : 1;
  if (ka < kb) return -1;
  return ka > kb ? 1 : a.ctid - b.ctid;
}

function render(o: Options, fields: Field[], rows: VeInfo[]): string {
  if (o.json) {
    const objs = rows.map(
      (v) =>
        `\n  {${fields.map((f) => `\n    "${f.name}": ${f.render(v, { json: true, last: true })}`).join(',')}\n  }`,
    );
    return `[${objs.join(',')}\n]\n`;
  }
  const lines: string[] = [];
  if (o.header) lines.push(fields.map((f) => pad(f.hdr, f.hdrWidth)).join(' '));
  for (const v of rows) {
    lines.push(
      fields.map((f, i) => f.render(v, { json: false, last: !o.trim || i === fields.length - 1 })).join(' '),
    );
  }
  return lines.map((l) => `${l.trimEnd()}\n`).join('');
}

function main(argv: readonly string[]): number {
  const host = currentHost();
  const o = parseArgs(host, argv);
  if (typeof o === 'number') return o;
  const fields = fieldOrder(o);
  if (typeof fields === 'number') return fields;
  const cts = collect(host, { all: o.all || o.stopped, ...(o.ids ? { ids: o.ids } : {}) });
  if (cts.length === 0) {
    if (o.json) process.stdout.write('[]\n');
    else process.stderr.write('Container(s) not found\n');
    // No CT is not an error unless CTIDs were asked for (vzctl bug #2149).
    return o.ids ? 1 : 0;
  }
  const match = (re: RegExp | undefined, s: string | undefined) => !re || (s !== undefined && re.test(s));
  for (const v of cts) {
    const p = o.patterns;
    if (!match(p.hostname, v.hostname) || !match(p.name, v.name) || !match(p.description, v.description))
      v.hide = true;
  }
  const sort = o.sort;
  if (sort) {
    cts.sort((a, b) => compare(sort.field, a, b));
    if (sort.reverse) cts.reverse();
  }
  const shown = cts.filter((v) => !v.hide && !(o.stopped && v.status === 'running'));
  process.stdout.write(render(o, fields, shown));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
