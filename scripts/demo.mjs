#!/usr/bin/env node
/**
 * npm run demo: the first command after cloning. As root it adds what the machine lacks
 * (redis-server; libvirt-dev so the KVM binding builds), then installs the npm packages and builds
 * when they are missing or stale, and starts `vpsops demo`. Without root it starts with what it
 * can; the demo itself says, once, the command that adds the rest.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkNode, installAndBuild, provision, root, setupCommand } from './bootstrap.mjs';

checkNode('vpsops');
const missing = provision('demo');
if (missing.includes('redis-server') && !process.env.REDIS_URL) {
  console.error(
    `The demo needs redis-server, which is not installed. Run: ${setupCommand('demo')}   (or set REDIS_URL to a Redis you have)`,
  );
  process.exit(1);
}
installAndBuild();

const cli = join(root, 'dist', 'src', 'cli.js');
// Ctrl-C reaches the demo directly (same terminal); this process only waits for it to finish.
process.on('SIGINT', () => {});
const r = spawnSync(process.execPath, [cli, 'demo', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 0);
