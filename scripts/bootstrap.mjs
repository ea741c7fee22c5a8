/**
 * First contact: what `npm run demo` and `npm test` need on a fresh machine, and how they get it.
 * It runs before any npm package is installed, so it uses node: built-ins only (argument arrays,
 * never a shell) instead of src/drivers/exec.ts. Debian packages come from scripts/setup-machine.sh,
 * which holds the one list of them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const setupScript = join(root, 'scripts', 'setup-machine.sh');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const isRoot = process.getuid?.() === 0;

/** Stops with one sentence when Node.js is older than the project supports. */
export function checkNode(what) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 20) return;
  console.error(`${what} needs Node.js 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

/** The one command a person without root runs to add what is missing. */
export function setupCommand(purpose) {
  return `sudo bash scripts/setup-machine.sh ${purpose}`;
}

/** What setup-machine.sh says is missing for `purpose` ('demo' or 'test'); [] when nothing is. */
export function missingFor(purpose) {
  const r = spawnSync('bash', [setupScript, '--check', purpose], { cwd: root, encoding: 'utf8' });
  if (r.error) return [`bash (${r.error.message})`];
  return r.status === 0 ? [] : r.stdout.split('\n').filter(Boolean);
}

/**
 * Installs what the machine lacks when running as root, saying so. Returns what is still missing
 * (everything that was, when not root: the caller decides whether it can go on without it).
 */
export function provision(purpose) {
  const missing = missingFor(purpose);
  if (!missing.length || !isRoot) return missing;
  console.log(
    `→ this machine lacks ${missing.join(', ')}: adding it (bash scripts/setup-machine.sh ${purpose})`,
  );
  const r = spawnSync('bash', [setupScript, purpose], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`Setting up the machine failed (see above); run ${setupCommand(purpose)} to retry.`);
    process.exit(1);
  }
  return missingFor(purpose);
}

function npmStep(what, args) {
  console.log(`→ ${what}`);
  const r = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`"npm ${args.join(' ')}" failed; fix the error above and run the command again.`);
    process.exit(r.status ?? 1);
  }
}

/** Newest modification time of the files below a directory (0 when there is none). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

/** npm skips the optional KVM binding where libvirt-dev was missing; this says whether it is built. */
export function bindingBuilt() {
  return existsSync(join(root, 'node_modules', '@unraid', 'libvirt', 'build', 'Release', 'libvirt.node'));
}

const libvirtHeaders = () => existsSync('/usr/include/libvirt/libvirt.h');

/**
 * The npm packages and the build: `npm ci` when node_modules is missing or older than the lock file,
 * `npm install --no-save` when libvirt-dev arrived after npm skipped the binding (the lock file stays
 * as it is), and `npm run build` when the sources are newer than the build.
 */
export function installAndBuild() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (mtime(installed) < mtime(join(root, 'package-lock.json'))) {
    npmStep('installing npm packages (npm ci)', ['ci', '--no-audit', '--no-fund']);
  } else if (!bindingBuilt() && libvirtHeaders()) {
    npmStep('building the KVM binding now that libvirt-dev is here (npm install --no-save)', [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
    ]);
  }
  const cli = join(root, 'dist', 'src', 'cli.js');
  const sources = Math.max(
    ...['src', 'jobs', 'bench'].map((d) => newest(join(root, d))),
    mtime(join(root, 'tsconfig.json')),
    mtime(join(root, 'tsconfig.build.json')),
  );
  if (mtime(cli) < sources) npmStep('building', ['run', 'build']);
}
