/**
 * The OpenVZ driver against the OpenVZ simulator (real vzctl/vzlist-compatible executables and a proc tree).
 * Needs the build first (`npx tsc -p tsconfig.build.json`, done by `npm test`'s pretest).
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenVzDriver, type OpenVzDriverOptions } from '../../src/drivers/openvz/driver.js';
import { readBeancounters } from '../../src/drivers/openvz/proc.js';
import type { Guest, GuestEvent } from '../../src/model/hypervisor.js';
import { createSimHost, simControl } from '../../src/sim/openvz/index.js';
import { opError } from '../helpers/op-error.js';
import { waitUntil } from '../helpers/pipeline.js';
import { lockHolder } from '../helpers/sim-locks.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

type Sim = Awaited<ReturnType<typeof createSimHost>>;
type Control = ReturnType<typeof simControl>;

let dir: string;
let sim: Sim;
let ctl: Control;
let driver: OpenVzDriver;
let vzlistLog: string;

/** A vzlist stand-in that records each call, then runs the simulator's vzlist with the same arguments. */
async function countingVzlist(real: string): Promise<string> {
  const path = join(dir, 'vzlist-counting.mjs');
  vzlistLog = join(dir, 'vzlist-calls.log');
  await writeFile(
    path,
    `#!/usr/bin/env node
import { appendFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
appendFileSync(${JSON.stringify(vzlistLog)}, JSON.stringify(process.argv.slice(2)) + '\\n');
const r = spawnSync(${JSON.stringify(real)}, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status ?? 1);
`,
  );
  await chmod(path, 0o755);
  return path;
}

async function vzlistCalls(): Promise<string[][]> {
  const text = await readFile(vzlistLog, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
}

function makeDriver(extra: Partial<OpenVzDriverOptions> = {}): OpenVzDriver {
  return new OpenVzDriver({
    vzctl: sim.vzctl,
    vzlist: join(dir, 'vzlist-counting.mjs'),
    procRoot: sim.procRoot,
    diskRoot: dir,
    commandTimeoutMs: 30_000,
    pollIntervalMs: 200,
    lockRetries: 2,
    lockBackoffMs: 50,
    ...extra,
  });
}

async function guest(id: string): Promise<Guest | undefined> {
  return (await driver.list()).find((g) => g.id === id);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vpsops-vz-'));
  sim = await createSimHost({
    dir: join(dir, 'host'),
    cpus: 8,
    memMiB: 16384,
    swapMiB: 4096,
    containers: [
      {
        ctid: 101,
        name: 'web1',
        hostname: 'web1.example.com',
        ramMiB: 1024,
        diskGiB: 10,
        cpus: 2,
        ips: ['10.0.0.101'],
        running: true,
      },
      { ctid: 102, name: 'db1', ramMiB: 2048, diskGiB: 20, cpus: 1, running: false },
      { ctid: 103, name: 'stopme', ramMiB: 512, diskGiB: 5, running: true },
      { ctid: 104, name: 'slowstop', ramMiB: 512, diskGiB: 5, running: true },
      { ctid: 105, name: 'cycle', ramMiB: 512, diskGiB: 5, running: true },
      { ctid: 106, name: 'snappy', ramMiB: 512, diskGiB: 5, running: true },
      { ctid: 107, name: 'resizer', ramMiB: 512, diskGiB: 5, cpus: 1, running: true },
      { ctid: 108, name: 'busy', ramMiB: 512, diskGiB: 5, running: false },
      { ctid: 109, name: 'victim', ramMiB: 512, diskGiB: 5, running: true },
    ],
  });
  ctl = simControl(sim.dir);
  await countingVzlist(sim.vzlist);
  driver = makeDriver();
});

afterAll(async () => {
  await driver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('inventory and capacity', () => {
  it('reads host capacity from the simulated proc tree', async () => {
    const cap = await driver.capacity();
    expect(cap).toMatchObject({ cpus: 8, memoryBytes: 16384 * MiB, swapBytes: 4096 * MiB });
    expect(cap.diskBytes).toBeGreaterThan(0);
  });

  it('reads beancounters of running containers, fail counts included', async () => {
    await ctl.bumpFailcnt(101, 'physpages', 5);
    const bc = await readBeancounters(sim.procRoot);
    expect(bc.get('101')?.get('physpages')).toMatchObject({ limit: 262144, failcnt: 5 });
    expect(bc.has('102')).toBe(false);
  });

  it('reports the vzctl version', async () => {
    expect((await driver.info()).versions.vzctl).toMatch(/^\d+\.\d+/);
  });

  it('lists every container with one vzlist call', async () => {
    const before = (await vzlistCalls()).length;
    const guests = await driver.list();
    const calls = (await vzlistCalls()).slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.slice(0, 2)).toEqual(['-a', '-j']);
    expect(guests.find((g) => g.id === '101')).toMatchObject({
      name: 'web1',
      state: 'running',
      vcpus: 2,
      memoryBytes: 1024 * MiB,
      diskBytes: 10 * GiB,
      ips: ['10.0.0.101'],
      hostname: 'web1.example.com',
    });
    expect(guests.find((g) => g.id === '102')).toMatchObject({ name: 'db1', state: 'stopped' });
  });
});

describe('lifecycle', () => {
  it('starts a stopped container, reporting progress, and refuses to start it twice', async () => {
    const steps: string[] = [];
    await driver.start('102', { progress: (_pct, step) => steps.push(step) });
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect((await guest('102'))?.state).toBe('running');
    const err = await opError(driver.start('102'));
    expect(err.code).toBe('ALREADY_RUNNING');
    expect(err.userMessage).toBe('CT 102 is already running.');
  });

  it('shuts down gracefully, then says a second stop finds it not running', async () => {
    await driver.shutdown('103', { timeoutMs: 20_000, force: false });
    expect((await guest('103'))?.state).toBe('stopped');
    const err = await opError(driver.shutdown('103', { timeoutMs: 20_000, force: false }));
    expect(err.code).toBe('NOT_RUNNING');
    expect(err.userMessage).toMatch(/CT 103 is not running/);
  });

  it('gives TIMEOUT when a graceful stop takes too long without force, and powers off with force', async () => {
    await ctl.setDelay('stop', 2_500);
    try {
      const err = await opError(driver.shutdown('104', { timeoutMs: 600, force: false }));
      expect(err.code).toBe('TIMEOUT');
      expect(err.userMessage).toBe('CT 104 did not shut down within 600ms; use force=yes to power it off.');
      expect((await guest('104'))?.state).toBe('running');
      await driver.shutdown('104', { timeoutMs: 600, force: true });
      expect((await guest('104'))?.state).toBe('stopped');
    } finally {
      await ctl.setDelay('stop', 0);
    }
  });

  it('powers off, reboots, suspends and resumes', async () => {
    await driver.reboot('105');
    expect((await guest('105'))?.state).toBe('running');
    await driver.suspend('105');
    expect(await guest('105')).toMatchObject({ state: 'paused', stateReason: 'suspended' });
    await driver.resume('105');
    expect((await guest('105'))?.state).toBe('running');
    await driver.powerOff('105');
    expect((await guest('105'))?.state).toBe('stopped');
  });

  it('says an unknown container does not exist', async () => {
    const ops = [
      () => driver.start('999'),
      () => driver.destroy('999'),
      () => driver.resize('999', { vcpus: 2 }),
    ];
    for (const op of ops) {
      const err = await opError(op());
      expect(err.code).toBe('GUEST_NOT_FOUND');
      expect(err.userMessage).toBe('CT 999 does not exist on this host.');
    }
  });

  it('refuses bad ids before running anything', async () => {
    const before = (await vzlistCalls()).length;
    expect((await opError(driver.start('--foo'))).code).toBe('BAD_INPUT');
    expect((await opError(driver.destroy('1;rm'))).code).toBe('BAD_INPUT');
    expect((await vzlistCalls()).length).toBe(before);
  });
});

describe('create, resize, destroy', () => {
  const plan = {
    name: 'shop-3',
    template: 'debian-12-x86_64',
    vcpus: 2,
    memoryBytes: 4 * GiB,
    diskBytes: 60 * GiB,
    hostname: 'shop-3.example.com',
    ips: ['10.0.0.33'],
    description: 'plan medium',
  };
  let createdId = '';

  it('creates a container from a plan and lists it with its sizes', async () => {
    const before = await driver.list();
    const maxId = Math.max(...before.map((g) => Number(g.id)));
    const created = await driver.create(plan);
    createdId = created.id;
    expect(created.id).toBe(String(maxId + 1));
    const listed = await guest(created.id);
    expect(listed).toEqual(created);
    expect(listed).toMatchObject({
      name: 'shop-3',
      state: 'stopped',
      vcpus: 2,
      memoryBytes: 4 * GiB,
      diskBytes: 60 * GiB,
      template: 'debian-12-x86_64',
      hostname: 'shop-3.example.com',
      ips: ['10.0.0.33'],
    });
  });

  it('refuses a missing template and a taken name', async () => {
    const missing = await opError(driver.create({ ...plan, name: 'other', template: 'centos-9-x86_64' }));
    expect(missing.code).toBe('TEMPLATE_NOT_FOUND');
    expect(missing.userMessage).toMatch(/OS template centos-9-x86_64 is not installed/);
    const taken = await opError(driver.create({ ...plan, name: 'web1' }));
    expect(taken.code).toBe('ALREADY_EXISTS');
    expect(taken.userMessage).toBe('The name web1 is already used by CT 101.');
    const sameId = await opError(driver.create({ ...plan, name: 'again', id: '101' }));
    expect(sameId.code).toBe('ALREADY_EXISTS');
  });

  it('resizes a running container live', async () => {
    const res = await driver.resize('107', { vcpus: 4, memoryBytes: 2 * GiB });
    expect(res.applied).toBe('live');
    expect(await guest('107')).toMatchObject({ vcpus: 4, memoryBytes: 2 * GiB });
  });

  it('resizes a stopped container for its next boot', async () => {
    const res = await driver.resize(createdId, { vcpus: 1, memoryBytes: 1 * GiB, diskBytes: 80 * GiB });
    expect(res.applied).toBe('next-boot');
    expect(res.notes[0]).toMatch(/next start/);
    expect(await guest(createdId)).toMatchObject({ vcpus: 1, memoryBytes: 1 * GiB, diskBytes: 80 * GiB });
  });

  it('destroys a running container (powering it off first)', async () => {
    await driver.start(createdId);
    await driver.destroy(createdId);
    expect(await guest(createdId)).toBeUndefined();
  });
});

describe('snapshots', () => {
  it('creates, lists, reverts to and deletes snapshots', async () => {
    const base = await driver.snapshotCreate('106', 'base');
    expect(base).toMatchObject({ name: 'base', current: true });
    expect(base.id).toMatch(/^[0-9a-f-]{36}$/);
    const second = await driver.snapshotCreate('106', 'second');
    let list = await driver.snapshotList('106');
    expect(list.map((s) => s.name)).toEqual(['base', 'second']);
    expect(list[1]).toMatchObject({ id: second.id, parent: base.id, current: true });

    await driver.snapshotRevert('106', base.id);
    list = await driver.snapshotList('106');
    expect(list.find((s) => s.current)?.id).toBe(base.id);

    await driver.snapshotDelete('106', 'second');
    list = await driver.snapshotList('106');
    expect(list.map((s) => s.id)).toEqual([base.id]);
  });

  it('says which snapshot does not exist', async () => {
    const unknown = 'd9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc';
    const err = await opError(driver.snapshotRevert('106', unknown));
    expect(err.code).toBe('SNAPSHOT_NOT_FOUND');
    expect(err.userMessage).toBe(`CT 106 has no snapshot {${unknown}}.`);
    expect((await opError(driver.snapshotDelete('106', `{${unknown}}`))).code).toBe('SNAPSHOT_NOT_FOUND');
    expect((await opError(driver.snapshotDelete('106', 'no-such-name'))).code).toBe('SNAPSHOT_NOT_FOUND');
  });
});

describe('failures the host reports', () => {
  it('gives LOCKED, after retrying, while a slow action holds the container', async () => {
    await ctl.setDelay('start', 3_000);
    try {
      const slow = driver.start('108');
      // The slow start holds the container now (not after a guessed half second).
      await waitUntil(() => lockHolder(sim.dir, 108), 10_000, 'the slow start to hold CT 108');
      const t0 = Date.now();
      const err = await opError(driver.powerOff('108'));
      expect(err.code).toBe('LOCKED');
      expect(err.retryable).toBe(true);
      expect(err.userMessage).toBe('CT 108 is busy with another operation; try again in a moment.');
      // It retried with backoff first (a lower bound: a busy machine only makes it longer).
      expect(Date.now() - t0).toBeGreaterThanOrEqual(50 + 100);
      await slow;
    } finally {
      await ctl.setDelay('start', 0);
    }
    expect((await guest('108'))?.state).toBe('running');
  });

  it('maps an injected exit 6 to RESOURCES with the kernel message', async () => {
    await driver.powerOff('108');
    await ctl.inject({
      action: 'start',
      ctid: 108,
      exitCode: 6,
      stderr: 'Not enough resources to start environment\nContainer start failed\n',
      times: 1,
    });
    const err = await opError(driver.start('108'));
    expect(err.code).toBe('RESOURCES');
    expect(err.userMessage).toMatch(/^CT 108 could not start because the host lacks resources/);
    expect(err.detail).toMatch(/Not enough resources/);
    await ctl.clearInjections();
  });

  it('cancels a slow start through the AbortSignal', async () => {
    await ctl.setDelay('start', 10_000);
    try {
      const ac = new AbortController();
      const starting = opError(driver.start('108', { signal: ac.signal }));
      await waitUntil(() => lockHolder(sim.dir, 108), 10_000, 'the slow start to hold CT 108');
      ac.abort();
      const err = await starting;
      expect(err.code).toBe('CANCELLED');
      // vzctl has let go and the CT did not start: killed, not waited for (a finished start runs it).
      await waitUntil(
        async () => (await lockHolder(sim.dir, 108)) === undefined,
        10_000,
        'vzctl to let go of CT 108',
      );
      expect((await guest('108'))?.state).not.toBe('running');
    } finally {
      await ctl.setDelay('start', 0);
    }
    // The killed vzctl left a stale lock at most; the next action goes on.
    await driver.start('108');
    expect((await guest('108'))?.state).toBe('running');
  });
});

describe('watch', () => {
  it('yields a stopped event when a container crashes', async () => {
    const ac = new AbortController();
    const seen: GuestEvent[] = [];
    const consume = (async () => {
      for await (const e of driver.watch(ac.signal)) {
        seen.push(e);
        if (e.guestId === '109' && e.type === 'stopped') ac.abort();
      }
    })();
    // The first poll sets the baseline: once a second vzlist has begun, the first has ended.
    const before = (await vzlistCalls()).length;
    await waitUntil(
      async () => (await vzlistCalls()).length >= before + 2,
      10_000,
      'the watch to take its baseline',
    );
    const t0 = Date.now();
    await ctl.crash(109);
    const timer = setTimeout(() => ac.abort(), 20_000);
    await consume;
    clearTimeout(timer);
    const stopped = seen.find((e) => e.guestId === '109' && e.type === 'stopped');
    expect(stopped).toBeDefined();
    expect(stopped?.at).toBeGreaterThanOrEqual(t0);
  });

  it('ends cleanly when the signal aborts', async () => {
    const ac = new AbortController();
    const it = driver.watch(ac.signal)[Symbol.asyncIterator]();
    const next = it.next();
    setTimeout(() => ac.abort(), 100);
    expect(await next).toEqual({ done: true, value: undefined });
  });
});
