/**
 * Redis in one place: key names are spelled only in store/keys.ts, and Lua runs only through
 * store/scripts.ts (files, EVALSHA). Without this, the next inline key or `redis.eval(SCRIPT)`
 * would go unnoticed until a key rename orphaned data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Every .ts file under the given folders, as [path from the root, text]. */
function sources(...dirs: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push([relative(ROOT, p), readFileSync(p, 'utf8')]);
    }
  };
  for (const d of dirs) walk(join(ROOT, d));
  return out;
}

/** Lines of the files (but `except`) that match `re`, as `path:line: text`. */
function offenders(re: RegExp, except: string[]): string[] {
  return sources('src', 'jobs', 'testkit', 'bench')
    .filter(([path]) => !except.includes(path))
    .flatMap(([path, text]) =>
      text.split('\n').flatMap((line, i) => (re.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [])),
    );
}

describe('Redis in one place', () => {
  it('builds key names only in store/keys.ts', () => {
    // A prefix followed by ":" is a key being spelled; `prefix: keys.prefix` (BullMQ's option) is
    // not, nor is "vpsops: " opening an error message.
    expect(offenders(/prefix\}:|\.prefix\s*\+|['"`]vpsops:[\w$]/, ['src/store/keys.ts'])).toEqual([]);
  });

  it('runs Lua only through store/scripts.ts, never EVAL with a script string', () => {
    expect(
      offenders(/\.(eval|evalsha|evalBuffer|evalshaBuffer|defineCommand)\(/, ['src/store/scripts.ts']),
    ).toEqual([]);
    expect(offenders(/redis\.call\(/, [])).toEqual([]);
  });
});
