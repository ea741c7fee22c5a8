#!/usr/bin/env node
/**
 * npm run docs: rewrites the generated sections of README.md (command reference, role table, error
 * table) from the compiled catalogue, policy roles and error codes. `--check` writes nothing and exits 1 when a section is
 * stale, naming it (for CI). Needs `npm run build` first, since it imports dist/.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderAll, updateReadme } from './docs-render.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const readmePath = join(root, 'README.md');

/** Imports a compiled module, or explains that the build is missing. */
async function compiled(path) {
  const file = join(root, 'dist', path);
  if (!existsSync(file)) {
    console.error(
      `gen-docs: ${join('dist', path)} is missing; run npm run build first (npm run docs does both).`,
    );
    process.exit(2);
  }
  return import(pathToFileURL(file).href);
}

const { catalogue } = await compiled('jobs/index.js');
const { usage } = await compiled('src/ops/operation.js');
const { ERROR_CODES } = await compiled('src/model/errors.js');
const { ROLES, requiredRole, verbsOfRole } = await compiled('src/bot/policy/policy.js');

let result;
try {
  const before = readFileSync(readmePath, 'utf8');
  result = updateReadme(
    before,
    renderAll({ catalogue, usage, errorCodes: ERROR_CODES, roles: ROLES, requiredRole, verbsOfRole }),
  );
} catch (err) {
  console.error(`gen-docs: ${err.message}`);
  process.exit(2);
}

if (check) {
  if (result.stale.length) {
    for (const name of result.stale) {
      console.error(`gen-docs: README.md section "${name}" is stale; run npm run docs and commit README.md.`);
    }
    process.exit(1);
  }
  console.log('gen-docs: README.md is up to date.');
} else if (result.stale.length) {
  writeFileSync(readmePath, result.text);
  console.log(`gen-docs: rewrote README.md sections: ${result.stale.join(', ')}.`);
} else {
  console.log('gen-docs: README.md is up to date.');
}
