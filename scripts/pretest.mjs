#!/usr/bin/env node
/**
 * Runs before `npm test`: as root it adds what the tests need (redis-server; libvirtd with QEMU and
 * libvirt-dev, through scripts/setup-machine.sh), then installs the npm packages and builds. Not as
 * root and something is missing: it stops before any test with the one command to run.
 */
import { checkNode, installAndBuild, provision, setupCommand } from './bootstrap.mjs';

checkNode('npm test');
const missing = provision('test');
if (missing.length) {
  console.error(
    `npm test needs ${missing.join(', ')}, which this machine lacks. Run: ${setupCommand('test')}`,
  );
  process.exit(1);
}
installAndBuild();
