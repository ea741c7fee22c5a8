/**
 * The KVM driver against the real libvirtd on qemu:///system with real QEMU guests (software
 * emulation, `<domain type='qemu'>`): a disk-less guest for the lifecycle (it boots to the BIOS and
 * never answers ACPI), and one created from a template with a small qcow2 overlay for disks and
 * snapshots. Needs root, libvirtd and the binding: run scripts/setup-libvirt.sh first.
 * Guests are named vpsops-test-<run>-…; every guest and disk of the run is removed in afterAll.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { access, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertEvent, AlertManager } from '../../src/bot/alerts/manager.js';
import { KvmDriver, type KvmDriverOptions } from '../../src/drivers/kvm/index.js';
import { createLogger } from '../../src/log.js';
import type { Guest, GuestEvent } from '../../src/model/hypervisor.js';
import { AlertStore } from '../../src/store/alerts.js';
import { FleetStore } from '../../src/store/fleet.js';
import { Keys } from '../../src/store/keys.js';
import { testConfig } from '../helpers/config.js';
import { opError } from '../helpers/op-error.js';
import { useRedis } from '../helpers/redis.js';

const redisServer = useRedis();

const URI = 'qemu:///system';
const MiB = 1024 ** 2;
const RUN = `vpsops-test-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const LIFE = `${RUN}-life`;
const DISKY = `${RUN}-disk`;
const DIR = `/var/lib/vpsops/images/${RUN}`;

let driver: KvmDriver;
let virshLog: string;

function virsh(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync('virsh', ['-c', URI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  // A virsh that is not installed gives no status and no output, only r.error (ENOENT).
  const err = r.error ? `virsh cannot run: ${r.error.message}` : (r.stderr ?? '');
  return { code: r.status ?? -1, out: r.stdout ?? '', err };
}

function lifeXml(): string {
  return `<domain type='qemu'>
  <name>${LIFE}</name>
  <memory unit='KiB'>131072</memory>
  <currentMemory unit='KiB'>131072</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <on_crash>destroy</on_crash>
  <devices><memballoon model='virtio'/></devices>
</domain>`;
}

/** A virsh stand-in that records each call's arguments, then runs the real virsh. */
async function countingVirsh(): Promise<string> {
  const path = join(DIR, 'virsh-counting.sh');
  virshLog = join(DIR, 'virsh-calls.log');
  await writeFile(path, `#!/bin/sh\necho "$*" >> '${virshLog}'\nexec virsh "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

async function virshCalls(): Promise<string[]> {
  return (await readFile(virshLog, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

function makeDriver(virshPath: string, extra: Partial<KvmDriverOptions> = {}): KvmDriver {
  return new KvmDriver({
    uri: URI,
    imageDir: DIR,
    templates: { tiny: { image: join(DIR, 'base.qcow2') } },
    domainType: 'qemu',
    hostName: 'test-host',
    virsh: virshPath,
    pollIntervalMs: 200,
    scanIntervalMs: 3_000,
    reconnectBackoffMs: [200, 400, 800, 1_600, 3_200],
    eventRestartMs: { first: 300, max: 2_000 },
    ...extra,
  });
}

async function guest(id: string): Promise<Guest | undefined> {
  return (await driver.list()).find((g) => g.id === id);
}

async function until<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts watching; returns the events seen so far and a stop function. */
function watching(d: KvmDriver): { events: GuestEvent[]; stop(): Promise<void> } {
  const ac = new AbortController();
  const events: GuestEvent[] = [];
  const done = (async () => {
    for await (const e of d.watch(ac.signal)) events.push(e);
  })();
  return {
    events,
    async stop() {
      ac.abort();
      await done;
    },
  };
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  const probe = virsh('version');
  if (probe.code !== 0) {
    throw new Error(
      `libvirtd is not reachable at ${URI} (${probe.err.trim()}); run sudo bash scripts/setup-machine.sh test (npm test does it when run as root).`,
    );
  }
  await mkdir(DIR, { recursive: true, mode: 0o755 });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(DIR, 'base.qcow2'), '32M']);
  await writeFile(join(DIR, 'life.xml'), lifeXml());
  const def = virsh('define', join(DIR, 'life.xml'));
  if (def.code !== 0) throw new Error(`could not define the test guest: ${def.err}`);
  driver = makeDriver(await countingVirsh());
  await driver.connect();
}, 60_000);

afterAll(async () => {
  await driver?.close();
  const names = virsh('list', '--all', '--name')
    .out.split('\n')
    .map((l) => l.trim());
  for (const name of names.filter((n) => n.startsWith(RUN))) {
    virsh('destroy', name);
    virsh('undefine', name, '--snapshots-metadata');
  }
  await rm(DIR, { recursive: true, force: true });
}, 60_000);

describe('inventory and capacity', () => {
  it('reads capacity from nodeGetInfo and the image directory, and versions from virsh', async () => {
    const cap = await driver.capacity();
    const node = virsh('nodeinfo').out;
    expect(cap.cpus).toBe(Number(/CPU\(s\):\s+(\d+)/.exec(node)?.[1]));
    expect(cap.memoryBytes).toBe(Number(/Memory size:\s+(\d+) KiB/.exec(node)?.[1]) * 1024);
    expect(cap.diskBytes).toBeGreaterThan(0);
    expect((await driver.info()).versions.libvirt).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists every guest with one virsh domstats call', async () => {
    const before = (await virshCalls()).length;
    const g = await guest(LIFE);
    const calls = (await virshCalls()).slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(new RegExp(`^-c ${URI} domstats --raw`));
    expect(g).toMatchObject({ state: 'stopped', vcpus: 1, memoryBytes: 128 * MiB, diskBytes: 0 });
  });
});

describe('lifecycle of a disk-less guest', () => {
  it('starts, and refuses a second start with ALREADY_RUNNING', async () => {
    await driver.start(LIFE);
    expect(await guest(LIFE)).toMatchObject({ state: 'running', stateReason: 'booted' });
    const err = await opError(driver.start(LIFE));
    expect(err.code).toBe('ALREADY_RUNNING');
  });

  it('suspends and resumes', async () => {
    await driver.suspend(LIFE);
    expect(await guest(LIFE)).toMatchObject({ state: 'paused', stateReason: 'user' });
    await driver.resume(LIFE);
    expect((await guest(LIFE))?.state).toBe('running');
  });

  it('reboots through virsh', async () => {
    const before = (await virshCalls()).length;
    await driver.reboot(LIFE);
    expect((await virshCalls()).slice(before)).toEqual([`-c ${URI} reboot --domain ${LIFE}`]);
    expect((await guest(LIFE))?.state).toBe('running');
  });

  it('resizes vCPUs and memory live within the maximum, and for the next boot above it', async () => {
    const live = await driver.resize(LIFE, { vcpus: 2, memoryBytes: 96 * MiB });
    expect(live.applied).toBe('live');
    expect((await guest(LIFE))?.vcpus).toBe(2);
    const later = await driver.resize(LIFE, { vcpus: 3 });
    expect(later).toEqual({
      applied: 'next-boot',
      notes: [`3 vCPUs is above the 2 ${LIFE} was started with, so it gets them at its next boot.`],
    });
    expect(virsh('vcpucount', LIFE, '--config', '--maximum').out.trim()).toBe('3');
  });

  it('times out a graceful stop the guest ignores, then powers it off with force', async () => {
    const err = await opError(driver.shutdown(LIFE, { timeoutMs: 2_000, force: false }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.userMessage).toBe(`${LIFE} did not shut down within 2s; use force=yes to power it off.`);
    expect((await guest(LIFE))?.state).toBe('running');
    await driver.shutdown(LIFE, { timeoutMs: 1_000, force: true });
    expect((await guest(LIFE))?.state).toBe('stopped');
    const again = await opError(driver.powerOff(LIFE));
    expect(again.code).toBe('NOT_RUNNING');
  }, 20_000);

  it('says an unknown guest does not exist, through the binding and through virsh', async () => {
    for (const p of [driver.start(`${RUN}-nosuch`), driver.snapshotList(`${RUN}-nosuch`)]) {
      const err = await opError(p);
      expect(err.code).toBe('GUEST_NOT_FOUND');
      expect(err.userMessage).toBe(`Guest ${RUN}-nosuch does not exist on this host.`);
    }
  });
});

describe('events', () => {
  it('reports a crash (QEMU killed) from watch() within 5 s', async () => {
    await driver.start(LIFE);
    const w = watching(driver);
    try {
      await new Promise((r) => setTimeout(r, 500));
      const pid = Number(await readFile(`/run/libvirt/qemu/${LIFE}.pid`, 'utf8'));
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const crash = await until(
        () => w.events.find((e) => e.type === 'crashed' && e.guestId === LIFE),
        5_000,
        'crash',
      );
      expect(crash.reason).toBe('Failed');
      expect(Date.now() - killedAt).toBeLessThan(5_000);
      expect(await guest(LIFE)).toMatchObject({ state: 'crashed' });
      // The worker's notice of this very event becomes a critical crash alert at the bot.
      const alerts: AlertEvent[] = [];
      const config = testConfig({ redis: { url: redisServer.url }, hosts: { 'kvm-sys': { kind: 'kvm' } } });
      const r = new Redis(redisServer.url);
      try {
        const manager = new AlertManager({
          store: new AlertStore(r, new Keys('vpsops')),
          fleet: new FleetStore(r, new Keys('vpsops')),
          config,
          log: createLogger('silent'),
          emit: async (e) => {
            alerts.push(e);
          },
        });
        await manager.onGuest({
          kind: 'guest',
          host: 'kvm-sys',
          guestId: crash.guestId,
          guestName: LIFE,
          event: crash.type,
          at: crash.at,
          ...(crash.reason ? { reason: crash.reason } : {}),
        });
        expect(alerts[0]?.state).toMatchObject({ kind: 'crash', severity: 'critical', guest: LIFE });
        expect(alerts[0]?.state.text).toContain('(Failed)');
      } finally {
        await r.quit();
      }
    } finally {
      await w.stop();
    }
  });

  it('survives a libvirtd restart: the next call works and the event stream comes back', async () => {
    const w = watching(driver);
    try {
      await new Promise((r) => setTimeout(r, 500));
      const pid = Number(await readFile('/run/libvirtd.pid', 'utf8'));
      process.kill(pid, 'SIGKILL');
      // Both calls go out while libvirtd is down: virsh (list) and the binding's lost connection
      // (capacity) retry with backoff until it is back.
      const calls = Promise.all([driver.list(), driver.capacity()]);
      await new Promise((r) => setTimeout(r, 500));
      execFileSync('libvirtd', ['-d']);
      const [guests, cap] = await calls;
      expect(guests.some((g) => g.id === LIFE)).toBe(true);
      expect(cap.cpus).toBeGreaterThan(0);
      await driver.start(LIFE);
      await until(
        () => w.events.find((e) => e.type === 'started' && e.guestId === LIFE),
        10_000,
        'started event',
      );
      await driver.powerOff(LIFE);
    } finally {
      await w.stop();
    }
  }, 30_000);
});

describe('create, snapshots, disk growth, destroy', () => {
  const overlay = join(DIR, `${DISKY}.qcow2`);

  it('creates a guest on a qcow2 overlay of the template image', async () => {
    const g = await driver.create({
      name: DISKY,
      template: 'tiny',
      vcpus: 1,
      memoryBytes: 128 * MiB,
      diskBytes: 64 * MiB,
      description: 'created by alice with vpsops',
    });
    expect(g).toMatchObject({ id: DISKY, state: 'stopped', template: 'tiny', diskBytes: 64 * MiB });
    const info = JSON.parse(
      execFileSync('qemu-img', ['info', '-U', '--output=json', overlay], { encoding: 'utf8' }),
    );
    expect(info).toMatchObject({
      format: 'qcow2',
      'virtual-size': 64 * MiB,
      'backing-filename': join(DIR, 'base.qcow2'),
    });
    const err = await opError(
      driver.create({ name: DISKY, template: 'tiny', vcpus: 1, memoryBytes: 128 * MiB, diskBytes: 64 * MiB }),
    );
    expect(err.code).toBe('ALREADY_EXISTS');
  });

  it('takes, lists, reverts to and deletes snapshots of the running guest', async () => {
    await driver.start(DISKY);
    const s1 = await driver.snapshotCreate(DISKY, 's1');
    expect(s1).toMatchObject({ id: 's1', name: 's1', current: true });
    await driver.snapshotCreate(DISKY, 's2');
    const list = await driver.snapshotList(DISKY);
    expect(list.map((s) => [s.name, s.parent, s.current])).toEqual([
      ['s1', undefined, false],
      ['s2', 's1', true],
    ]);
    await driver.snapshotRevert(DISKY, 's1');
    expect((await driver.snapshotList(DISKY)).find((s) => s.current)?.name).toBe('s1');
    await driver.snapshotDelete(DISKY, 's2');
    const missing = await opError(driver.snapshotRevert(DISKY, 's2'));
    expect(missing.code).toBe('SNAPSHOT_NOT_FOUND');
    expect((await driver.snapshotList(DISKY)).map((s) => s.name)).toEqual(['s1']);
  }, 60_000);

  it('grows the disk live, and refuses to shrink it', async () => {
    const res = await driver.resize(DISKY, { diskBytes: 96 * MiB });
    expect(res.applied).toBe('live');
    expect((await guest(DISKY))?.diskBytes).toBe(96 * MiB);
    const err = await opError(driver.resize(DISKY, { diskBytes: 64 * MiB }));
    expect(err.code).toBe('BAD_INPUT');
  });

  it('destroys the guest with its snapshots and removes the overlay it created, not the base', async () => {
    await driver.destroy(DISKY);
    expect(await guest(DISKY)).toBeUndefined();
    expect(virsh('dominfo', DISKY).code).not.toBe(0);
    expect(await exists(overlay)).toBe(false);
    expect(await exists(join(DIR, 'base.qcow2'))).toBe(true);
  }, 30_000);
});
