/**
 * npm run bench (monitoring part): one monitoring cycle for a host with 1000 guests against the
 * raw bulk listing of the same host, in alternating rounds of the same run. A cycle is what the
 * worker does per poll (driver.list(), the watch diff) plus the host's overcommit levels.
 * OpenVZ: the simulator, floor = the driver's own `vzlist -a -j -o …` through run() + JSON.parse.
 * KVM: a libvirt test:// file, floor = the binding's listing (all domains, name and info each).
 * Then the RSS of a real `vpsops worker` on the 1000-container host (bench/monitor-worker.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { run } from '../src/drivers/exec.js';
import { type LibvirtModule, loadBinding } from '../src/drivers/kvm/binding.js';
import { KvmDriver } from '../src/drivers/kvm/index.js';
import { OpenVzDriver } from '../src/drivers/openvz/index.js';
import { vzlistArgs } from '../src/drivers/openvz/inventory.js';
import { diffGuests } from '../src/drivers/poll-events.js';
import type { OpError } from '../src/model/errors.js';
import type { Guest, HostCapacity, Hypervisor } from '../src/model/hypervisor.js';
import { type Level, overcommitLevels, type Resource } from '../src/model/overcommit.js';
import { createSimHost, type SimContainerSeed } from '../src/sim/openvz/index.js';
import { measureWorkerRss } from './monitor-worker.js';
import { mb, ms, type Summary, summarize } from './stats.js';

const GUESTS = Number(process.argv[2] ?? 1000);
const WARMUP = 5;
const GOAL_RATIO = 1.2;
const GOAL_RSS = 150 * 1024 * 1024;
const config = loadConfig({ env: {} });

/**
 * Floor and ours in alternating rounds (which goes first alternates too), so both see the same
 * machine; `perRound` calls each per round.
 */
async function alternate(
  rounds: number,
  perRound: number,
  floorOnce: () => Promise<unknown>,
  oursOnce: () => Promise<unknown>,
): Promise<{ floor: Summary; ours: Summary }> {
  const floor: number[] = [];
  const ours: number[] = [];
  const timed = async (once: () => Promise<unknown>, out: number[]) => {
    for (let i = 0; i < perRound; i++) {
      const t0 = performance.now();
      await once();
      out.push(performance.now() - t0);
    }
  };
  for (let i = 0; i < WARMUP; i++) await floorOnce().then(oursOnce);
  for (let r = 0; r < rounds; r++) {
    if (r % 2) await timed(oursOnce, ours).then(() => timed(floorOnce, floor));
    else await timed(floorOnce, floor).then(() => timed(oursOnce, ours));
  }
  return { floor: summarize(floor), ours: summarize(ours) };
}

/**
 * One monitoring cycle: the listing, the diff against the previous poll (the watch's events) and
 * the host's overcommit levels against its registered capacity, with the last levels as hysteresis.
 */
function cycle(driver: Hypervisor, capacity: HostCapacity): () => Promise<Guest[]> {
  let prev: Guest[] = [];
  let previous: Partial<Record<Resource, Level>> = {};
  return async () => {
    const guests = await driver.list();
    diffGuests(prev, guests, Date.now());
    prev = guests;
    const levels = overcommitLevels({
      host: 'bench',
      group: 'default',
      registration: { capacity },
      inventory: { guests },
      config,
      previous,
    });
    previous = Object.fromEntries(levels.map((l) => [l.resource, l.level]));
    return guests;
  };
}

function report(floorWhat: string, oursWhat: string, r: { floor: Summary; ours: Summary }): void {
  const { floor: f, ours: o } = r;
  console.log(`floor (${floorWhat}): p50 ${ms(f.p50)}  p99 ${ms(f.p99)}`);
  console.log(`vpsops cycle (${oursWhat}): p50 ${ms(o.p50)}  p99 ${ms(o.p99)}`);
  console.log(
    `ratio p50 ${(o.p50 / f.p50).toFixed(2)}  (goal <= ${GOAL_RATIO})   ratio p99 ${(o.p99 / f.p99).toFixed(2)}`,
  );
}

function seeds(n: number): SimContainerSeed[] {
  return Array.from({ length: n }, (_, i) => ({
    ctid: 1001 + i,
    name: `ct-${i + 1}`,
    hostname: `ct-${i + 1}.example.net`,
    running: i % 2 === 0,
    cpus: 2,
    ramMiB: 1024,
    diskGiB: 20,
    ips: [`10.${(i >> 8) & 255}.${i & 255}.10`],
  }));
}

async function openvz(dir: string): Promise<void> {
  const sim = await createSimHost({ dir, cpus: 64, memMiB: 262_144, containers: seeds(GUESTS) });
  const driver = new OpenVzDriver({
    vzctl: sim.vzctl,
    vzlist: sim.vzlist,
    procRoot: sim.procRoot,
    diskRoot: dir,
  });
  const capacity = await driver.capacity();
  // The floor runs the very call the driver makes; `vzlist -a -j` alone prints every field (7x the bytes).
  const bulk = async (args: string[]) => JSON.parse((await run(sim.vzlist, args)).stdout) as unknown[];
  const ours = cycle(driver, capacity);
  const [raw, listed] = await Promise.all([bulk(vzlistArgs()), ours()]);
  if (raw.length !== GUESTS || listed.length !== GUESTS)
    throw new Error(`expected ${GUESTS} containers, vzlist gave ${raw.length}, the driver ${listed.length}`);
  const running = listed.filter((g) => g.state === 'running').length;
  const rounds = 30;
  const r = await alternate(rounds, 1, () => bulk(vzlistArgs()), ours);
  const all: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await bulk(['-a', '-j']);
    all.push(performance.now() - t0);
  }
  console.log(
    `\nOpenVZ monitoring bench: ${GUESTS} containers (${running} running) on the simulator, ${rounds} alternating rounds after ${WARMUP} warm-up`,
  );
  report(
    'one `vzlist -a -j -o <driver fields>` through run() + JSON.parse',
    'OpenVzDriver.list + watch diff + overcommitLevels',
    r,
  );
  console.log(
    `(plain \`vzlist -a -j\`, every field: p50 ${ms(summarize(all).p50)}; not the floor, the driver asks for fewer)`,
  );
  const mem = await measureWorkerRss(sim, dir, 5);
  console.log(
    `worker RSS (real \`vpsops worker\`, ${mem.guests} containers, ${mem.polls} polls after its first inventory): ${mb(mem.rss)}  peak ${mb(mem.peak)}  (goal < ${mb(GOAL_RSS)})`,
  );
}

function nodeXml(n: number): string {
  const domains = Array.from({ length: n }, (_, i) => {
    const state = i % 2 === 0 ? 1 : 5; // half running, as on the OpenVZ host
    return `<domain type="test"><name>g-${i + 1}</name><memory unit="KiB">1048576</memory><vcpu>2</vcpu><os><type>hvm</type></os><devices><disk type="file" device="disk"><source file="/var/lib/vpsops/images/g-${i + 1}.qcow2"/><target dev="vda" bus="virtio"/></disk></devices><test:runstate>${state}</test:runstate></domain>`;
  });
  return `<?xml version="1.0"?>\n<node xmlns:test="http://libvirt.org/schemas/domain/test/1.0"><cpu><mhz>2400</mhz><model>x86_64</model><active>32</active><nodes>1</nodes><sockets>2</sockets><cores>8</cores><threads>2</threads></cpu><memory>134217728</memory>\n${domains.join('\n')}\n</node>\n`;
}

async function kvm(dir: string): Promise<void> {
  let binding: LibvirtModule;
  try {
    binding = await loadBinding();
  } catch (err) {
    console.log(`\nKVM monitoring bench skipped: ${(err as OpError).userMessage ?? (err as Error).message}`);
    return;
  }
  const file = join(dir, 'node.xml');
  await writeFile(file, nodeXml(GUESTS));
  const uri = `test://${file}`;
  const driver = new KvmDriver({ uri, imageDir: dir });
  const capacity = await driver.capacity();
  const ours = cycle(driver, capacity);
  const t0 = performance.now();
  const listed = await ours(); // the first scan also reads every domain's XML, then caches it
  const firstMs = performance.now() - t0;
  const conn = new binding.Hypervisor({ uri });
  await conn.connectOpen();
  // What a scan needs from libvirt once the XML details are cached: every domain, its name and info.
  const raw = async () => {
    const domains = await conn.connectListAllDomains();
    return Promise.all(domains.map(async (d) => [await d.getName(), await conn.domainGetInfo(d)]));
  };
  if ((await raw()).length !== GUESTS || listed.length !== GUESTS)
    throw new Error(`expected ${GUESTS} domains, got ${listed.length}`);
  const rounds = 30;
  const perRound = 5;
  const r = await alternate(rounds, perRound, raw, ours);
  await driver.close();
  await conn.connectClose();
  console.log(
    `\nKVM monitoring bench: ${GUESTS} domains on ${uri}, ${rounds} alternating rounds of ${perRound} after ${WARMUP} warm-up`,
  );
  report(
    'binding: connectListAllDomains, then name and domainGetInfo each',
    `KvmDriver.list + diff + overcommitLevels; first scan ${ms(firstMs)} reads XML`,
    r,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'vpsops-monitor-bench-'));
try {
  await openvz(join(dir, 'vz'));
  await kvm(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
