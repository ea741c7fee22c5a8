/**
 * The Lua scripts as files: each is registered, and its header names every key and argument the
 * body reads, so the header can be trusted when calling it (as with BullMQ's src/commands/*.lua).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCRIPTS, type ScriptName, scriptSource } from '../../../src/store/scripts.js';

const DIR = join(import.meta.dirname, '..', '..', '..', 'src', 'store', 'scripts');
const names = Object.keys(SCRIPTS) as ScriptName[];

/** The `--[[ ... ]]` comment a script starts with, and the code after it. */
function split(name: ScriptName): { header: string; body: string } {
  const m = /^--\[\[\n([\s\S]*?)\n\]\]\n([\s\S]+)$/.exec(scriptSource(name));
  if (!m) throw new Error(`${SCRIPTS[name].file} does not start with a --[[ ... ]] header`);
  return { header: m[1]!, body: m[2]! };
}

/** The indexes of `KEYS[i]` / `ARGV[i]` in a text. */
function indexes(text: string, table: 'KEYS' | 'ARGV'): number[] {
  return [
    ...new Set([...text.matchAll(new RegExp(`${table}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1]))),
  ].sort((a, b) => a - b);
}

describe('Redis scripts', () => {
  it('every .lua file is registered, under one name only', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.lua'));
    expect(names.map((n) => SCRIPTS[n].file).sort()).toEqual(files.sort());
  });

  it.each(names)('%s: the header names KEYS[1..n] for its n keys, and the body reads no other', (name) => {
    const { header, body } = split(name);
    const n = SCRIPTS[name].keys;
    expect(header).toMatch(/^ {2}Input:$/m);
    expect(header).toMatch(/^ {2}Output:$/m);
    expect(indexes(header, 'KEYS')).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    for (const i of indexes(body, 'KEYS')) expect(i).toBeLessThanOrEqual(n);
  });

  it.each(names)('%s: every ARGV the body reads is named in the header', (name) => {
    const { header, body } = split(name);
    const named = indexes(header, 'ARGV');
    // `ARGV[1..n]` names a variable list the body unpacks whole.
    if (/ARGV\[1\.\.n\]/.test(header)) expect(body).toContain('unpack(ARGV)');
    else expect(named.length).toBeGreaterThan(0);
    for (const i of indexes(body, 'ARGV')) expect(named).toContain(i);
  });
});
