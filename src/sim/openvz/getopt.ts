/**
 * A GNU getopt_long work-alike: long options with unique-prefix matching and `--opt=value`,
 * clustered short options, and non-option words permuted to the end. Error texts match glibc.
 */

export interface LongOption {
  name: string;
  /** Whether the option takes a value. */
  arg: boolean;
}

export interface ParsedOption {
  name: string;
  value?: string;
}

export interface GetoptResult {
  options: ParsedOption[];
  /** Non-option words, in order. */
  rest: string[];
  /** glibc's message for the first bad option (the caller decides the exit code). */
  error?: string;
}

/** Short option spec like "HtSo:" → map of letter to whether it takes a value. */
function shortSpec(spec: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i] as string;
    const takesArg = spec[i + 1] === ':';
    out.set(c, takesArg);
    if (takesArg) i++;
  }
  return out;
}

function matchLong(longs: readonly LongOption[], name: string): LongOption | LongOption[] | undefined {
  const exact = longs.find((o) => o.name === name);
  if (exact) return exact;
  const prefixed = longs.filter((o) => o.name.startsWith(name));
  if (prefixed.length === 1) return prefixed[0];
  return prefixed.length > 1 ? prefixed : undefined;
}

interface Cursor {
  args: readonly string[];
  i: number;
}

function parseLong(prog: string, cur: Cursor, longs: readonly LongOption[]): ParsedOption | string {
  const word = (cur.args[cur.i] ?? '').slice(2);
  const eq = word.indexOf('=');
  const name = eq >= 0 ? word.slice(0, eq) : word;
  const found = matchLong(longs, name);
  if (found === undefined) return `${prog}: unrecognized option '--${name}'`;
  if (Array.isArray(found)) {
    const names = found.map((o) => `'--${o.name}'`).join(' ');
    return `${prog}: option '--${name}' is ambiguous; possibilities: ${names}`;
  }
  if (!found.arg) {
    if (eq >= 0) return `${prog}: option '--${found.name}' doesn't allow an argument`;
    return { name: found.name };
  }
  if (eq >= 0) return { name: found.name, value: word.slice(eq + 1) };
  if (cur.i + 1 >= cur.args.length) return `${prog}: option '--${found.name}' requires an argument`;
  cur.i++;
  return { name: found.name, value: cur.args[cur.i] ?? '' };
}

function parseShort(
  prog: string,
  cur: Cursor,
  shorts: Map<string, boolean>,
  out: ParsedOption[],
): string | undefined {
  const word = cur.args[cur.i] ?? '';
  for (let j = 1; j < word.length; j++) {
    const c = word[j] as string;
    const takesArg = shorts.get(c);
    if (takesArg === undefined) return `${prog}: invalid option -- '${c}'`;
    if (!takesArg) {
      out.push({ name: c });
      continue;
    }
    if (j + 1 < word.length) {
      out.push({ name: c, value: word.slice(j + 1) });
    } else {
      if (cur.i + 1 >= cur.args.length) return `${prog}: option requires an argument -- '${c}'`;
      cur.i++;
      out.push({ name: c, value: cur.args[cur.i] ?? '' });
    }
    return undefined;
  }
  return undefined;
}

/** Parses `args` (program name excluded); stops at the first error like a caller of getopt does. */
export function getoptLong(
  prog: string,
  args: readonly string[],
  longs: readonly LongOption[],
  shortOpts = '',
): GetoptResult {
  const shorts = shortSpec(shortOpts);
  const options: ParsedOption[] = [];
  const rest: string[] = [];
  const cur: Cursor = { args, i: 0 };
  for (; cur.i < args.length; cur.i++) {
    const word = args[cur.i] ?? '';
    if (word === '--') {
      rest.push(...args.slice(cur.i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const r = parseLong(prog, cur, longs);
      if (typeof r === 'string') return { options, rest, error: r };
      options.push(r);
    } else if (word.startsWith('-') && word.length > 1) {
      const err = parseShort(prog, cur, shorts, options);
      if (err) return { options, rest, error: err };
    } else {
      rest.push(word);
    }
  }
  return { options, rest };
}
