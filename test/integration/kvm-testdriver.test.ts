/**
 * The KVM driver through the @unraid/libvirt binding on libvirt's test driver (test:///default),
 * the demo's KVM host. Its state lives in this process, so everything runs through the binding and
 * whatever needs virsh answers UNSUPPORTED. Needs the binding: npm install @unraid/libvirt.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_SENTENCE, KvmDriver, type KvmDriverOptions } from '../../src/drivers/kvm/index.js';
import type { Guest, GuestEvent } from '../../src/model/hypervisor.js';
import { opError } from '../helpers/op-error.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const UNSUPPORTED_SNAPSHOTS = "libvirt's test driver does not support snapshots.";

let dir: string;
let imageDir: string;
let driver: KvmDriver;

function makeDriver(extra: Partial<KvmDriverOptions> = {}): KvmDriver {
  return new KvmDriver({
    uri: 'test:///default',
    imageDir,
    hostName: 'demo-kvm',
    pollIntervalMs: 50,
    ...extra,
  });
}

async function guest(id: string): Promise<Guest | undefined> {
  return (await driver.list()).find((g) => g.id === id);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vpsops-kvm-test-'));
  imageDir = join(dir, 'images');
  driver = makeDriver();
  await driver.connect();
});

afterAll(async () => {
  await driver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('inventory and capacity', () => {
  it("lists the test driver's built-in guest through the binding", async () => {
    const guests = await driver.list();
    expect(guests.find((g) => g.id === 'test')).toMatchObject({
      name: 'test',
      state: 'running',
      vcpus: 2,
      memoryBytes: 2 * GiB,
      ips: [],
    });
  });

  it('reads capacity from nodeGetInfo, and disk from the filesystem under the image directory', async () => {
    const cap = await driver.capacity();
    expect(cap).toMatchObject({ cpus: 16, memoryBytes: 3_145_728 * KiB, swapBytes: 0 });
    expect(cap.diskBytes).toBeGreaterThan(0);
  });

  it('names the test driver in its versions', async () => {
    expect((await driver.info()).versions).toEqual({ libvirt: 'test driver' });
  });
});

describe('lifecycle', () => {
  it('refuses to start a running guest with ALREADY_RUNNING', async () => {
    const err = await opError(driver.start('test'));
    expect(err.code).toBe('ALREADY_RUNNING');
    expect(err.userMessage).toBe('Guest test is already running.');
  });

  it('suspends and resumes, and says a running guest has nothing to resume', async () => {
    await driver.suspend('test');
    expect((await guest('test'))?.state).toBe('paused');
    await driver.resume('test');
    expect((await guest('test'))?.state).toBe('running');
    const err = await opError(driver.resume('test'));
    expect(err.code).toBe('ALREADY_RUNNING');
    expect(err.userMessage).toMatch(/^Guest test is not paused/);
  });

  it('shuts down, says a second stop finds it not running, and starts again', async () => {
    const steps: string[] = [];
    await driver.shutdown('test', { timeoutMs: 5_000, force: false }, { progress: (_p, s) => steps.push(s) });
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect((await guest('test'))?.state).toBe('stopped');
    const err = await opError(driver.shutdown('test', { timeoutMs: 5_000, force: false }));
    expect(err.code).toBe('NOT_RUNNING');
    expect(err.userMessage).toBe('Guest test is not running, so there is nothing to shut down.');
    await driver.start('test');
    expect((await guest('test'))?.state).toBe('running');
  });

  it('reboots through the binding (shutdown, then start)', async () => {
    await driver.reboot('test');
    expect((await guest('test'))?.state).toBe('running');
  });

  it('powers off, and refuses to reboot a stopped guest', async () => {
    await driver.powerOff('test');
    expect((await guest('test'))?.state).toBe('stopped');
    const err = await opError(driver.reboot('test'));
    expect(err.code).toBe('NOT_RUNNING');
    await driver.start('test');
  });

  it('says an unknown guest does not exist, for every kind of operation', async () => {
    // Each call starts only when it is awaited: a rejection nobody awaits yet would be unhandled.
    const ops: (() => Promise<unknown>)[] = [
      () => driver.start('nosuch'),
      () => driver.shutdown('nosuch', { timeoutMs: 1_000, force: true }),
      () => driver.powerOff('nosuch'),
      () => driver.reboot('nosuch'),
      () => driver.suspend('nosuch'),
      () => driver.resume('nosuch'),
      () => driver.destroy('nosuch'),
      () => driver.resize('nosuch', { vcpus: 1 }),
    ];
    for (const call of ops) {
      const err = await opError(call());
      expect(err.code).toBe('GUEST_NOT_FOUND');
      expect(err.userMessage).toBe('Guest nosuch does not exist on this host.');
    }
  });

  it('refuses a name that could be read as an option before it reaches libvirt', async () => {
    const err = await opError(driver.start('--all'));
    expect(err.code).toBe('BAD_INPUT');
  });
});

describe('create, resize, destroy', () => {
  it('creates a stopped guest with its template and creator, and no disk', async () => {
    const g = await driver.create({
      name: 'shop-3',
      template: 'debian-12',
      vcpus: 1,
      memoryBytes: 512 * MiB,
      diskBytes: 10 * GiB,
      description: 'created by alice with vpsops',
    });
    expect(g).toMatchObject({
      id: 'shop-3',
      state: 'stopped',
      vcpus: 1,
      memoryBytes: 512 * MiB,
      template: 'debian-12',
      description: 'created by alice with vpsops',
    });
    // No qemu-img on the test driver: the image directory is not even made.
    expect(await readdir(imageDir).catch(() => [])).toEqual([]);
    const again = { name: 'shop-3', template: 'debian-12', vcpus: 1, memoryBytes: 512 * MiB, diskBytes: GiB };
    const err = await opError(driver.create(again));
    expect(err.code).toBe('ALREADY_EXISTS');
    expect(err.userMessage).toBe('A guest named shop-3 already exists on this host.');
  });

  it('resizes vCPUs and memory in the saved definition; they apply at the next start', async () => {
    const res = await driver.resize('shop-3', { vcpus: 2, memoryBytes: GiB });
    expect(res.applied).toBe('next-boot');
    expect(res.notes).toEqual(['shop-3 is stopped; the new size applies at its next start.']);
    await driver.start('shop-3');
    expect(await guest('shop-3')).toMatchObject({ state: 'running', vcpus: 2, memoryBytes: GiB });
    const running = await driver.resize('shop-3', { vcpus: 1 });
    expect(running.applied).toBe('next-boot');
    expect(running.notes[0]).toMatch(/libvirt's test driver cannot resize live/);
  });

  it('answers UNSUPPORTED for a disk resize', async () => {
    const err = await opError(driver.resize('shop-3', { diskBytes: 20 * GiB }));
    expect(err.code).toBe('UNSUPPORTED');
    expect(err.userMessage).toBe("libvirt's test driver does not support disk resizing.");
  });

  it('destroys a running guest: powered off, undefined, gone from the list', async () => {
    await driver.destroy('shop-3');
    expect(await guest('shop-3')).toBeUndefined();
    const err = await opError(driver.destroy('shop-3'));
    expect(err.code).toBe('GUEST_NOT_FOUND');
  });

  it('gives the same stable MAC to a guest re-created under the same name', async () => {
    const d = makeDriver({ network: { type: 'network', source: 'default' } });
    const spec = { name: 'mac-1', template: 'x', vcpus: 1, memoryBytes: 256 * MiB, diskBytes: GiB };
    await d.create(spec);
    const first = await macOf('mac-1');
    await d.destroy('mac-1');
    await d.create(spec);
    expect(await macOf('mac-1')).toBe(first);
    expect(first).toMatch(/^52:54:00:/);
    await d.destroy('mac-1');
    await d.close();
  });
});

describe('what the test driver cannot do', () => {
  it('answers UNSUPPORTED in one sentence for every snapshot operation', async () => {
    for (const p of [
      driver.snapshotCreate('test', 's1'),
      driver.snapshotList('test'),
      driver.snapshotRevert('test', 's1'),
      driver.snapshotDelete('test', 's1'),
    ]) {
      const err = await opError(p);
      expect(err.code).toBe('UNSUPPORTED');
      expect(err.userMessage).toBe(UNSUPPORTED_SNAPSHOTS);
    }
  });
});

describe('watch', () => {
  it('reports state changes from its scans (the test driver has no shared event stream)', async () => {
    const w = makeDriver({ scanIntervalMs: 50 });
    const ac = new AbortController();
    const seen: GuestEvent[] = [];
    const done = (async () => {
      for await (const e of w.watch(ac.signal)) {
        seen.push(e);
        if (e.type === 'resumed') ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    await driver.suspend('test');
    await until(() => seen.some((e) => e.type === 'paused'));
    await driver.resume('test');
    await done;
    await w.close();
    expect(seen.map((e) => [e.type, e.guestId])).toEqual([
      ['paused', 'test'],
      ['resumed', 'test'],
    ]);
  });
});

describe('without the binding', () => {
  it('fails with CONFIG naming what to install', async () => {
    const d = makeDriver({ bindingModule: '@unraid/libvirt-not-installed' });
    for (const p of [d.connect(), d.list(), d.start('test')]) {
      const err = await opError(p);
      expect(err.code).toBe('CONFIG');
      expect(err.userMessage).toBe(INSTALL_SENTENCE);
    }
    expect(INSTALL_SENTENCE).toBe(
      'The KVM driver needs the @unraid/libvirt package: apt-get install libvirt-dev, then npm install @unraid/libvirt.',
    );
  });
});

async function macOf(name: string): Promise<string | undefined> {
  // The binding's XML is the only place the MAC shows; read it the way an operator would.
  const { loadBinding } = await import('../../src/drivers/kvm/binding.js');
  const { Hypervisor } = await loadBinding();
  const c = new Hypervisor({ uri: 'test:///default' });
  await c.connectOpen();
  try {
    const xml = await c.domainGetXMLDesc(await c.domainLookupByName(name));
    return /<mac address='([^']+)'/.exec(xml)?.[1];
  } finally {
    await c.connectClose();
  }
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
