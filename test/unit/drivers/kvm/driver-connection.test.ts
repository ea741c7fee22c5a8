/**
 * The long-lived libvirt connection: reconnect with backoff, one retry, call timeouts and error
 * mapping, against a stand-in binding module (a real ES module loaded the way the real one is).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../../src/drivers/kvm/connection.js';
import { OpError } from '../../../../src/model/errors.js';

interface FakeState {
  opens: number;
  /** connectOpen fails this many more times as if libvirtd were down. */
  downFor: number;
  /** The next nodeGetInfo fails as if libvirtd had restarted. */
  loseNext: boolean;
  /** nodeGetInfo never answers. */
  hang: boolean;
  calls: number;
}

const FAKE = `
const state = (globalThis.__fakeLibvirt ??= {});
export class Hypervisor {
  constructor({ uri }) { this.uri = uri; this.open = false; }
  async connectOpen() {
    state.opens++;
    if (state.downFor > 0) { state.downFor--; throw "Failed to connect socket to '/run/libvirt/libvirt-sock': Connection refused"; }
    this.open = true;
  }
  async connectClose() { this.open = false; }
  async nodeGetInfo() {
    state.calls++;
    if (!this.open) throw 'invalid connection pointer in virNodeGetInfo';
    if (state.hang) return new Promise(() => {});
    if (state.loseNext) { state.loseNext = false; throw 'internal error: client socket is closed'; }
    return { cpus: 4, memory: 1048576 };
  }
  async domainLookupByName(name) {
    if (name !== 'web-1') throw 'Domain not found: no domain with matching name ' + "'" + name + "'";
    return { name };
  }
  async domainSuspend() { throw 'Requested operation is not valid: domain is not running'; }
}
`;

let dir: string;
let specifier: string;
const state = (): FakeState => (globalThis as unknown as { __fakeLibvirt: FakeState }).__fakeLibvirt;
const warnings: string[] = [];
const logger = {
  debug() {},
  info() {},
  warn(_o: object, msg?: string) {
    warnings.push(msg ?? '');
  },
  error() {},
};

function connection(extra: { backoffMs?: number[]; callTimeoutMs?: number } = {}): LibvirtConnection {
  return new LibvirtConnection({
    uri: 'qemu:///system',
    logger,
    backoffMs: extra.backoffMs ?? [10, 20, 40],
    callTimeoutMs: extra.callTimeoutMs ?? 5_000,
    bindingModule: specifier,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vpsops-fake-libvirt-'));
  const file = join(dir, 'fake-libvirt.mjs');
  await writeFile(file, FAKE);
  specifier = pathToFileURL(file).href;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  const fresh: FakeState = { opens: 0, downFor: 0, loseNext: false, hang: false, calls: 0 };
  // The stand-in module reads this object; keep its identity, reset its fields.
  const g = globalThis as unknown as { __fakeLibvirt?: FakeState };
  g.__fakeLibvirt = Object.assign(g.__fakeLibvirt ?? fresh, fresh);
  warnings.length = 0;
});

describe('LibvirtConnection', () => {
  it('opens once and shares the connection between concurrent callers', async () => {
    const c = connection();
    const infos = await Promise.all([1, 2, 3].map(() => c.call((h) => h.nodeGetInfo())));
    expect(infos.map((i) => i.cpus)).toEqual([4, 4, 4]);
    expect(state().opens).toBe(1);
    await c.close();
  });

  it('reopens a lost connection and retries the call once', async () => {
    const c = connection();
    await c.call((h) => h.nodeGetInfo());
    state().loseNext = true;
    const info = await c.call((h) => h.nodeGetInfo());
    expect(info.cpus).toBe(4);
    expect(state().opens).toBe(2);
    expect(state().calls).toBe(3);
    expect(warnings).toContain('libvirt connection lost; reconnecting');
    await c.close();
  });

  it('waits with backoff while libvirtd is down, then carries on', async () => {
    state().downFor = 2;
    const c = connection();
    expect((await c.call((h) => h.nodeGetInfo())).cpus).toBe(4);
    expect(state().opens).toBe(3);
    expect(warnings.filter((w) => w === 'libvirt is not answering; retrying')).toHaveLength(2);
    await c.close();
  });

  it('gives up after its backoff schedule with one sentence, and tries again on the next call', async () => {
    state().downFor = 10;
    const c = connection({ backoffMs: [5, 5] });
    const err = await c.call((h) => h.nodeGetInfo()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpError);
    expect(err).toMatchObject({
      code: 'HYPERVISOR',
      retryable: true,
      userMessage: 'Cannot connect to libvirt at qemu:///system; check that libvirtd is running on the host.',
    });
    expect(state().opens).toBe(3);
    state().downFor = 0;
    expect((await c.call((h) => h.nodeGetInfo())).cpus).toBe(4);
    await c.close();
  });

  it('abandons a call libvirtd never answers with TIMEOUT', async () => {
    state().hang = true;
    const c = connection({ callTimeoutMs: 50 });
    const err = await c.call((h) => h.nodeGetInfo()).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'TIMEOUT',
      userMessage: 'libvirt at qemu:///system did not answer within 50ms; check libvirtd on the host.',
    });
    await c.close();
  });

  it('maps libvirt failures of a domain call to one sentence naming the guest', async () => {
    const c = connection();
    const missing = await c.domain('start', 'nosuch', async () => undefined).catch((e: unknown) => e);
    expect(missing).toMatchObject({
      code: 'GUEST_NOT_FOUND',
      userMessage: 'Guest nosuch does not exist on this host.',
    });
    const stopped = await c.domain('suspend', 'web-1', (h, d) => h.domainSuspend(d)).catch((e: unknown) => e);
    expect(stopped).toMatchObject({
      code: 'NOT_RUNNING',
      userMessage: 'Guest web-1 is not running, so it cannot be suspended.',
    });
    await c.close();
  });

  it('refuses calls after close', async () => {
    const c = connection();
    await c.close();
    await expect(c.call((h) => h.nodeGetInfo())).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
