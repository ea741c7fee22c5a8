/**
 * The README cannot drift from the code: its command reference and error table must be exactly
 * what scripts/gen-docs.mjs renders from the catalogue and ERROR_CODES, and the example
 * configuration it points to must load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../jobs/index.js';
import { readSection, renderAll, updateReadme } from '../../scripts/docs-render.mjs';
import { loadConfig } from '../../src/config/load.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { usage } from '../../src/core/operation.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const rendered = renderAll({ catalogue, usage, errorCodes: ERROR_CODES });
const STALE = 'README.md is stale: run npm run docs';

describe('README.md', () => {
  it('has the command reference of the current catalogue', () => {
    expect(readSection(README, 'commands'), STALE).toBe(rendered.commands);
  });

  it('has every error code with its meaning', () => {
    expect(readSection(README, 'errors'), STALE).toBe(rendered.errors);
  });

  it('would not change if the generator ran now', () => {
    expect(updateReadme(README, rendered).stale, STALE).toEqual([]);
  });

  it('documents every verb with its usage line and every error code', () => {
    for (const op of catalogue.values()) {
      expect(README).toContain(`### ${op.name}\n\n\`${usage(op)}\``);
    }
    for (const code of Object.keys(ERROR_CODES)) expect(README).toContain(`| \`${code}\` `);
  });
});

describe('docs/examples/vpsops.yaml', () => {
  it('is a valid configuration', () => {
    const config = loadConfig({ env: {}, file: join(ROOT, 'docs', 'examples', 'vpsops.yaml') });
    expect(Object.keys(config.hosts)).toContain('vz-1');
  });
});

describe('the renderer', () => {
  it('escapes pipes inside table cells', () => {
    const { errors } = renderAll({ catalogue: new Map(), usage, errorCodes: { X: 'a | b' } });
    expect(errors.split('\n')[2]).toBe('| `X`  | a \\| b  |');
  });

  it('writes tables the way biome formats them, so npm run format leaves the sections alone', async () => {
    const doc = `# vpsops\n\n${rendered.commands}\n\n${rendered.errors}\n`;
    const biome = join(ROOT, 'node_modules', '.bin', 'biome');
    const r = await execa(biome, ['format', '--stdin-file-path=README.md'], { input: doc, cwd: ROOT });
    expect(r.stdout).toBe(doc.trimEnd());
  });

  it('refuses a README without the markers', () => {
    expect(() => updateReadme('# nothing here\n', rendered)).toThrow(/commands:start/);
  });
});
