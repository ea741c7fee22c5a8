/**
 * Before the first test, also when vitest is run directly rather than through `npm test`: the
 * machine must have what the tests use (redis-server, libvirtd with QEMU, the KVM binding). As root
 * it is added here; otherwise the run stops with the one command that adds it, before any test.
 */
import { bindingBuilt, provision, setupCommand } from '../scripts/bootstrap.mjs';

export default function setup(): void {
  const missing = provision('test');
  if (!missing.length && !bindingBuilt()) missing.push('the KVM binding (npm install --no-save builds it)');
  if (!missing.length) return;
  process.stderr.write(
    `\nThe tests need ${missing.join(', ')}, which this machine lacks. Run: ${setupCommand('test')}, then npm test.\n`,
  );
  process.exit(1);
}
