/**
 * The dependency rule holds in `npm run lint`: a module that imports from a layer above its own,
 * or two modules that import each other, fail biome with a message naming the rule. Each case
 * writes real probe files into the tree (biome reads the module graph from disk), lints them, and
 * removes them.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

/** Writes the files, lints them, removes them; returns biome's exit code and output. */
async function lint(files: Record<string, string>): Promise<{ code: number; out: string }> {
  const paths = Object.keys(files).map((f) => join(ROOT, f));
  try {
    await Promise.all(Object.entries(files).map(([f, text]) => writeFile(join(ROOT, f), text)));
    const r = await execa(BIOME, ['lint', '--max-diagnostics=50', ...paths], { cwd: ROOT, reject: false });
    return { code: r.exitCode ?? -1, out: `${r.stdout}\n${r.stderr}` };
  } finally {
    await Promise.all(paths.map((p) => rm(p, { force: true })));
  }
}

const tag = () => randomBytes(4).toString('hex');

describe('the dependency rule', () => {
  it('refuses model importing the bot, naming the rule', async () => {
    const f = `src/model/probe-${tag()}.ts`;
    const r = await lint({
      [f]: "import type { BotCore } from '../bot/core.js';\n\nexport type X = BotCore;\n",
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('Layers: model may not import bot');
  });

  it('refuses the worker importing chat, a type import included', async () => {
    const f = `src/worker/probe-${tag()}.ts`;
    const r = await lint({
      [f]: "import type { Block } from '../chat/view/blocks.js';\n\nexport type X = Block;\n",
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('Layers: worker may not import chat');
  });

  it('refuses an operation in jobs/ reaching into the store', async () => {
    const f = `jobs/probe-${tag()}.ts`;
    const r = await lint({
      [f]: "import type { JobStore } from '../src/store/jobs.js';\n\nexport type X = JobStore;\n",
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('Layers: jobs may not import store');
  });

  it('refuses an import cycle, even of types only', async () => {
    const t = tag();
    const a = `src/bot/probe-a-${t}.ts`;
    const b = `src/bot/probe-b-${t}.ts`;
    const r = await lint({
      [a]: `import type { B } from './probe-b-${t}.js';\n\nexport type A = { b?: B };\n`,
      [b]: `import type { A } from './probe-a-${t}.js';\n\nexport type B = { a?: A };\n`,
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('noImportCycles');
  });

  it('lets imports point down', async () => {
    const f = `src/bot/probe-${tag()}.ts`;
    const r = await lint({
      [f]: "import type { Reply } from '../model/outcome.js';\n\nexport type X = Reply;\n",
    });
    expect(r.out).not.toContain('Layers:');
    expect(r.code).toBe(0);
  });
});
