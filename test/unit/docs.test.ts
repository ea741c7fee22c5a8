/**
 * The README cannot drift from the code: its command reference, role table and error table must be
 * exactly what scripts/gen-docs.mjs renders from the catalogue, the policy's roles and ERROR_CODES;
 * the role table must agree with the access policy's own decisions; the hand-written tables must
 * name what exists (config keys, demo guests, shipped verbs); the example configuration must load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { catalogue } from '../../jobs/index.js';
import { readSection, renderAll, updateReadme } from '../../scripts/docs-render.mjs';
import {
  AccessPolicy,
  parsePolicy,
  ROLES,
  type Role,
  requiredRole,
  verbsOfRole,
} from '../../src/bot/policy/policy.js';
import { DEMO_CONTAINERS } from '../../src/cli/demo/fleet.js';
import { loadConfig } from '../../src/config/load.js';
import { ERROR_CODES } from '../../src/model/errors.js';
import { usage } from '../../src/ops/operation.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const rendered = renderAll({
  catalogue,
  usage,
  errorCodes: ERROR_CODES,
  roles: ROLES,
  requiredRole,
  verbsOfRole,
});
const STALE = 'README.md is stale: run npm run docs';

describe('README.md', () => {
  it('has the command reference of the current catalogue', () => {
    expect(readSection(README, 'commands'), STALE).toBe(rendered.commands);
  });

  it('has the role table of the current policy rules', () => {
    expect(readSection(README, 'roles'), STALE).toBe(rendered.roles);
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

/** The rows of a Markdown table whose header starts with `| first `: first cell → the rest of the row. */
function tableRows(text: string, first: string): Map<string, string> {
  const from = text.indexOf(`| ${first} `);
  const rows = new Map<string, string>();
  for (const line of text.slice(from).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [key = '', ...rest] = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    rows.set(key.replace(/`/g, ''), rest.join('|'));
  }
  return rows;
}

const verbsIn = (cell: string) => [...cell.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!);

describe('README.md, read against the code', () => {
  const roleRows = tableRows(readSection(README, 'roles'), 'role');
  const BASE: Partial<Record<Role, Role>> = { operator: 'viewer', admin: 'operator' };
  /** What the README says a role may run: its own row plus the rows it builds on. */
  const readmeVerbs = (role: Role): string[] => [
    ...verbsIn(roleRows.get(role) ?? ''),
    ...(BASE[role] ? readmeVerbs(BASE[role]) : []),
  ];

  it.each(ROLES)('says what a %s may run exactly as the access policy decides it', (role) => {
    const verbs = new Set(catalogue.keys());
    const policy = new AccessPolicy(
      parsePolicy({ grants: [{ users: ['u'], roles: [role] }] }, 'docs', verbs),
      {},
    );
    const subject = { user: 'u', usergroups: [] };
    const anyone = [...catalogue.values()].filter((op) => op.role === 'anyone').map((op) => op.name);
    const said = [...readmeVerbs(role), ...anyone].sort();
    expect(policy.allowedVerbs(subject, catalogue.values()).sort()).toEqual(said);
    for (const op of catalogue.values()) {
      const allowed = policy.decide({ ...subject, op, host: 'vz-1', guest: 'web-1' }).allow;
      expect(allowed, `${role} running ${op.name}`).toBe(said.includes(op.name));
    }
  });

  it('gives every section and key of config/default.yaml a row in the configuration reference', () => {
    const defaults = parseYaml(readFileSync(join(ROOT, 'config', 'default.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const rows = tableRows(README.slice(README.indexOf('## Configuration reference')), 'section');
    for (const [section, value] of Object.entries(defaults)) {
      const row = rows.get(section);
      expect(row, `a row for ${section}`).toBeDefined();
      if (section === 'hosts' || section === 'plans' || !value || typeof value !== 'object') continue;
      for (const key of Object.keys(value)) expect(row, `${section}.${key}`).toContain(`\`${key}\``);
    }
  });

  it('tries in the demo only verbs the catalogue has, on guests the demo has', () => {
    const guests = new Set([...DEMO_CONTAINERS.map((c) => c.name), 'test']);
    const tries = tableRows(README.slice(README.indexOf('Things to type:')), 'type');
    for (const cell of tries.keys()) {
      for (const [, verb, guest] of cell.matchAll(/\/vps ([a-z-]+)(?: ([a-z][a-z0-9-]*))?/g)) {
        expect(catalogue.has(verb!), `"${cell}" uses /vps ${verb}`).toBe(true);
        if (guest && catalogue.get(verb!)?.target === 'guest') expect(guests, cell).toContain(guest);
      }
    }
  });

  it('lists nothing the catalogue already has as coming', () => {
    const header = README.slice(README.indexOf('| area ')).split('\n')[0]!;
    const column = header
      .split('|')
      .slice(1, -1)
      .findIndex((c) => c.trim() === 'coming');
    for (const [area, cells] of tableRows(README, 'area')) {
      const coming = column > 0 ? (cells.split('|')[column - 1] ?? '') : '';
      for (const verb of catalogue.keys()) {
        expect(coming, `${area}: ${verb}`).not.toMatch(new RegExp(`\\b${verb}\\b`));
      }
    }
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
    const { errors } = renderAll({
      catalogue: new Map(),
      usage,
      errorCodes: { X: 'a | b' },
      roles: [],
      requiredRole,
      verbsOfRole,
    });
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
