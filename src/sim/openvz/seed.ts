/** Building a simulated host on disk: the directory tree, /etc/vz, templates and seeded containers. */
import * as fs from 'node:fs';
import { makePrivateArea } from './actions/create.js';
import { ConfFile } from './conf-file.js';
import { ctConfig, normalizeConf, readConf, writeConf } from './ct-config.js';
import { atomicWrite, exists } from './fsutil.js';
import { freshKernel, saveKernel } from './kernel.js';
import { type Host, vpath } from './paths.js';
import { globalConfText, sampleText, VSWAP_SAMPLES } from './samples.js';
import { readSettings, type SimSettings } from './sim-config.js';
import { parseKb, parsePair } from './units.js';

/** One container to have on the host from the start. */
export interface SimContainerSeed {
  ctid: number;
  name?: string;
  hostname?: string;
  ostemplate?: string;
  ramMiB?: number;
  swapMiB?: number;
  diskGiB?: number;
  cpus?: number;
  ips?: string[];
  running?: boolean;
  layout?: 'ploop' | 'simfs';
  description?: string;
}

const DIRS = [
  'bin',
  'run',
  'proc/vz',
  'proc/bc',
  'etc/vz/conf',
  'vz/private',
  'vz/root',
  'vz/lock',
  'vz/dump',
];

/** Creates the directory tree and the files a fresh OpenVZ install has; existing files are kept. */
export function layoutHost(host: Host, templates: readonly string[]): void {
  for (const d of [...DIRS, `.${vpath.templateCache}`]) fs.mkdirSync(host.real(`/${d}`), { recursive: true });
  const globalConf = host.real(vpath.globalConf);
  if (!exists(globalConf)) atomicWrite(globalConf, globalConfText(templates[0] ?? 'centos-7-x86_64'));
  for (const [name, [ram, swap]] of Object.entries(VSWAP_SAMPLES)) {
    const file = host.real(vpath.sample(name));
    if (!exists(file)) atomicWrite(file, sampleText(name, ram, swap));
  }
  for (const t of templates) {
    const file = host.real(`${vpath.templateCache}/${t}.tar.gz`);
    // An empty gzip member: a real (if useless) tarball, enough for the existence check.
    if (!exists(file))
      fs.writeFileSync(file, Buffer.from('1f8b08000000000000030300000000000000000000', 'hex'));
  }
}

/** The sample a seed's RAM/swap corresponds to, as `vzctl create --config` would have used. */
function sampleFor(ramMiB: number, swapMiB: number): string {
  const hit = Object.entries(VSWAP_SAMPLES).find(([, [r, s]]) => r === ramMiB && s === swapMiB);
  return hit?.[0] ?? 'vswap-256m';
}

/** The config file a seeded CT gets: what create + set --save would have written. */
function seedConf(seed: SimContainerSeed, defaultTemplate: string): ConfFile {
  const ram = seed.ramMiB ?? 256;
  const swap = seed.swapMiB ?? ram * 2;
  const sample = sampleFor(ram, swap);
  const [sRam, sSwap] = VSWAP_SAMPLES[sample] ?? [256, 512];
  const conf = ConfFile.parse(sampleText(sample, sRam, sSwap));
  normalizeConf(conf);
  conf.set('PHYSPAGES', `0:${ram * 256}`);
  conf.set('SWAPPAGES', `0:${swap * 256}`);
  if (seed.diskGiB !== undefined)
    conf.set('DISKSPACE', `${seed.diskGiB * 1048576}:${seed.diskGiB * 1048576}`);
  if (seed.cpus !== undefined) conf.set('CPUS', String(seed.cpus));
  conf.set('OSTEMPLATE', seed.ostemplate ?? defaultTemplate);
  conf.set('VE_LAYOUT', seed.layout ?? 'ploop');
  if (seed.ips?.length) conf.set('IP_ADDRESS', seed.ips.join(' '));
  if (seed.hostname !== undefined) conf.set('HOSTNAME', seed.hostname);
  if (seed.name !== undefined) conf.set('NAME', seed.name);
  if (seed.description !== undefined) conf.set('DESCRIPTION', seed.description);
  return conf;
}

/** Adds a seeded CT unless its config exists already (so a second run keeps the state). */
export function seedContainer(host: Host, seed: SimContainerSeed, defaultTemplate: string): void {
  if (readConf(host, seed.ctid)) return;
  const conf = seedConf(seed, defaultTemplate);
  const cfg = ctConfig(host, seed.ctid, conf);
  const disk = parsePair(conf.get('DISKSPACE') ?? '', parseKb);
  makePrivateArea(host, cfg.privatePath, cfg.layout, cfg.ostemplate ?? defaultTemplate, disk?.[1] ?? 0);
  fs.mkdirSync(host.real(vpath.root(seed.ctid)), { recursive: true });
  writeConf(host, seed.ctid, conf);
  if (seed.running) saveKernel(host, seed.ctid, freshKernel(cfg));
}

/** sim.json: given host sizes win, else the existing file, else the defaults; delays are merged. */
export function writeSettings(
  host: Host,
  opts: { cpus?: number; memMiB?: number; swapMiB?: number; delays?: Partial<Record<string, number>> },
): void {
  const current: SimSettings = readSettings(host);
  const delays = { ...current.delays };
  for (const [k, v] of Object.entries(opts.delays ?? {})) if (typeof v === 'number') delays[k] = v;
  const next: SimSettings = {
    cpus: opts.cpus ?? current.cpus,
    memMiB: opts.memMiB ?? current.memMiB,
    swapMiB: opts.swapMiB ?? current.swapMiB,
    delays,
  };
  atomicWrite(host.simFile, `${JSON.stringify(next, null, 2)}\n`);
}
