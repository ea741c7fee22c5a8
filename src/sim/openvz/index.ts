/**
 * The OpenVZ simulator: `vzctl`, `vzlist` and `vzsim` executables that keep a legacy OpenVZ host's
 * state in a directory and answer exactly like vzctl 4.11.1, plus the host's /proc tree.
 * Used by the demo and by integration tests; a driver pointed at it cannot tell the difference.
 */
import * as fs from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as control from './control.js';
import { Host } from './paths.js';
import { regenerateProc } from './proc.js';
import { layoutHost, type SimContainerSeed, seedContainer, writeSettings } from './seed.js';
import type { InjectRule } from './sim-config.js';

export type { SimContainerSeed } from './seed.js';
export type { InjectRule } from './sim-config.js';

export interface SimHostOptions {
  /** State root; created if missing, reused (state kept) if it exists. */
  dir: string;
  /** Host CPUs (default 8). */
  cpus?: number;
  /** Host RAM in MiB (default 16384). */
  memMiB?: number;
  /** Host swap in MiB (default 8192). */
  swapMiB?: number;
  /** OS template caches present on the host. */
  templates?: string[];
  /** Containers to create when absent. */
  containers?: SimContainerSeed[];
  /** Per-action delays in ms, e.g. `{ start: 2000 }`. */
  delays?: Partial<Record<string, number>>;
}

export interface SimHost {
  /** Absolute state root. */
  dir: string;
  /** Paths of the executables. */
  vzctl: string;
  vzlist: string;
  vzsim: string;
  /** The simulated /proc (meminfo, cpuinfo, user_beancounters, bc/resources, vz/veinfo). */
  procRoot: string;
}

const DEFAULT_TEMPLATES = ['centos-7-x86_64', 'debian-12-x86_64', 'ubuntu-22.04-x86_64'];
const TOOLS = ['vzctl', 'vzlist', 'vzsim'] as const;

/** Where the compiled simulator lives: this folder under dist/, whether we run from src or dist. */
function compiledDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (!import.meta.url.endsWith('.ts')) return here;
  const at = here.lastIndexOf(`${join('/', 'src')}/`);
  return join(here.slice(0, at), 'dist', here.slice(at + 1));
}

/** A tiny node wrapper: pins the state root, then loads the compiled tool. */
function wrapper(dir: string, tool: string): string {
  const entry = pathToFileURL(join(compiledDir(), `${tool}.js`)).href;
  return `#!/usr/bin/env node
process.env.VZSIM_ROOT ??= ${JSON.stringify(dir)};
import(${JSON.stringify(entry)}).catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\\n');
  process.exit(3);
});
`;
}

/**
 * Creates (or reopens) a simulated OpenVZ host in `opts.dir` with executables in `<dir>/bin`.
 * Existing containers and kernel state are kept; missing seeds are added.
 */
export async function createSimHost(opts: SimHostOptions): Promise<SimHost> {
  const dir = resolve(opts.dir);
  for (const tool of TOOLS) {
    const js = join(compiledDir(), `${tool}.js`);
    if (!fs.existsSync(js))
      throw new Error(`OpenVZ simulator is not built (${js} missing); run \`npm run build\``);
  }
  const host = new Host(dir);
  const templates = opts.templates ?? DEFAULT_TEMPLATES;
  layoutHost(host, templates);
  writeSettings(host, opts);
  for (const seed of opts.containers ?? []) seedContainer(host, seed, templates[0] ?? DEFAULT_TEMPLATES[0]!);
  regenerateProc(host);
  const bin = (tool: string) => join(dir, 'bin', tool);
  for (const tool of TOOLS) {
    fs.writeFileSync(bin(tool), wrapper(dir, tool));
    fs.chmodSync(bin(tool), 0o755);
  }
  return { dir, vzctl: bin('vzctl'), vzlist: bin('vzlist'), vzsim: bin('vzsim'), procRoot: host.procDir };
}

/** Hooks into a simulated host for tests and the demo. */
export function simControl(dir: string): {
  crash(ctid: number): Promise<void>;
  bumpFailcnt(ctid: number, resource: string, by: number): Promise<void>;
  inject(rule: InjectRule): Promise<void>;
  clearInjections(): Promise<void>;
  setDelay(action: string, ms: number): Promise<void>;
  isRunning(ctid: number): Promise<boolean>;
} {
  const host = new Host(resolve(dir));
  // The hooks are synchronous file operations; async keeps the API free to change that later.
  return {
    crash: async (ctid) => control.crashCt(host, ctid),
    bumpFailcnt: async (ctid, resource, by) => control.bumpFailcnt(host, ctid, resource, by),
    inject: async (rule) => control.inject(host, rule),
    clearInjections: async () => control.clearAll(host),
    setDelay: async (action, ms) => control.setDelay(host, action, ms),
    isRunning: async (ctid) => control.isRunning(host, ctid),
  };
}
