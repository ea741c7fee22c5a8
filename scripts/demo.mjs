#!/usr/bin/env node
/**
 * npm run demo: the first command after cloning. Installs the npm packages and builds when they
 * are missing or stale, then starts `vpsops demo`. It runs before any dependency exists, so it
 * uses node:child_process directly (argument arrays, never a shell) instead of src/drivers/exec.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  console.error(`vpsops needs Node.js 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const step = (what, args) => {
  console.log(`→ ${what}`);
  const r = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(
      `vpsops demo: "npm ${args.join(' ')}" failed; fix the error above and run npm run demo again.`,
    );
    process.exit(r.status ?? 1);
  }
};

/** Newest modification time of the files below a directory. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const installed = join(root, 'node_modules', '.package-lock.json');
if (
  !existsSync(installed) ||
  statSync(installed).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs
) {
  step('installing npm packages (npm ci)', ['ci', '--no-audit', '--no-fund']);
}
const cli = join(root, 'dist', 'src', 'cli.js');
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'jobs')));
if (!existsSync(cli) || statSync(cli).mtimeMs < sources) step('building', ['run', 'build']);

// Ctrl-C reaches the demo directly (same terminal); this process only waits for it to finish.
process.on('SIGINT', () => {});
const r = spawnSync(process.execPath, [cli, 'demo', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 0);
