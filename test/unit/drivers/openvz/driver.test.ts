/**
 * OpenVzDriver against tiny fake vzctl/vzlist programs (real processes, no child_process mocks):
 * each call is logged, and answers are scripted per action. The simulator-backed tests live in
 * test/integration/openvz-driver.test.ts.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenVzDriver } from '../../../../src/drivers/openvz/driver.js';
import { OpError } from '../../../../src/model/errors.js';

interface Answer {
  exit?: number;
  stdout?: string;
  stderr?: string;
  sleepMs?: number;
}

// Answers for `<tool> <action>` are consumed in order; the last one repeats.
const FAKE = `#!/usr/bin/env node
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
const here = dirname(process.argv[1]);
const tool = basename(process.argv[1]);
const args = process.argv.slice(2);
appendFileSync(join(here, 'calls.log'), JSON.stringify([tool, ...args]) + '\\n');
const key = tool === 'vzlist' ? 'vzlist' : args[0];
writeFileSync(join(here, key + '.pid'), String(process.pid));
const script = JSON.parse(readFileSync(join(here, 'script.json'), 'utf8'));
const queue = script[key] ?? [{}];
const answer = queue.length > 1 ? queue.shift() : queue[0];
writeFileSync(join(here, 'script.json'), JSON.stringify(script));
setTimeout(() => {
  process.stdout.write(answer.stdout ?? '');
  process.stderr.write(answer.stderr ?? '');
  process.exit(answer.exit ?? 0);
}, answer.sleepMs ?? 0);
`;

let dir: string;

async function script(answers: Record<string, Answer[]>): Promise<void> {
  await writeFile(join(dir, 'script.json'), JSON.stringify(answers));
  await writeFile(join(dir, 'calls.log'), '');
}

async function calls(): Promise<string[][]> {
  const text = await readFile(join(dir, 'calls.log'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
}

function driver(): OpenVzDriver {
  return new OpenVzDriver({
    vzctl: join(dir, 'vzctl'),
    vzlist: join(dir, 'vzlist'),
    procRoot: dir,
    lockRetries: 2,
    lockBackoffMs: 10,
    pollIntervalMs: 50,
  });
}

const listing = (status: string, extra = '') =>
  `[\n  {\n    "ctid": 101,\n    "name": "web1",\n    "status": "${status}",\n    "ip": []${extra}\n  }\n]\n`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it gives something truthy; fails after 10 s. */
async function until<T>(check: () => Promise<T>): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function failure(p: Promise<unknown>): Promise<OpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpError);
  return err as OpError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vpsops-fakevz-'));
  for (const tool of ['vzctl', 'vzlist']) {
    await writeFile(join(dir, tool), FAKE);
    await chmod(join(dir, tool), 0o755);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => script({}));

describe('OpenVzDriver with fake vzctl/vzlist', () => {
  it('rejects bad options in the constructor', () => {
    expect(() => new OpenVzDriver({ vzctl: '', vzlist: 'x', procRoot: '/proc' })).toThrow(/vzctl/);
    expect(() => new OpenVzDriver({ vzctl: 'x', vzlist: 'x', procRoot: '/proc', pollIntervalMs: 0 })).toThrow(
      /pollIntervalMs/,
    );
  });

  it('retries a locked container lockRetries times, then throws LOCKED', async () => {
    await script({ start: [{ exit: 9, stderr: 'Container already locked\n' }] });
    const err = await failure(driver().start('101'));
    expect(err.code).toBe('LOCKED');
    expect((await calls()).filter((c) => c[1] === 'start')).toHaveLength(3);
  });

  it('succeeds when the lock goes away during the retries', async () => {
    await script({ start: [{ exit: 9, stderr: 'Container already locked\n' }, { exit: 0 }] });
    await driver().start('101');
    expect(await calls()).toEqual([
      ['vzctl', 'start', '101'],
      ['vzctl', 'start', '101'],
    ]);
  });

  it('turns a slow graceful stop into TIMEOUT without force and stop --fast with force', async () => {
    // The fake is a node program: the timeout leaves it time to start and log its call on a busy machine.
    await script({ stop: [{ sleepMs: 30_000 }, { exit: 0 }] });
    const err = await failure(driver().shutdown('101', { timeoutMs: 2_000, force: false }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.userMessage).toBe('CT 101 did not shut down within 2s; use force=yes to power it off.');
    await script({ stop: [{ sleepMs: 30_000 }, { exit: 0 }] });
    await driver().shutdown('101', { timeoutMs: 2_000, force: true });
    expect(await calls()).toEqual([
      ['vzctl', 'stop', '101'],
      ['vzctl', 'stop', '101', '--fast'],
    ]);
  });

  it('also forces off when vzctl itself gives up (exit 33)', async () => {
    await script({
      stop: [{ exit: 33, stderr: 'Unable to stop container: operation timed out\n' }, { exit: 0 }],
    });
    await driver().shutdown('101', { timeoutMs: 10_000, force: true });
    expect((await calls()).map((c) => c.slice(1).join(' '))).toEqual(['stop 101', 'stop 101 --fast']);
  });

  it('cancels a running command through the AbortSignal: it is killed, not waited for', async () => {
    // Far longer than the test may run, so a driver that waited for the command cannot pass.
    await script({ start: [{ sleepMs: 600_000 }] });
    await rm(join(dir, 'start.pid'), { force: true });
    const ac = new AbortController();
    const started = driver().start('101', { signal: ac.signal });
    // Abort once the command is really running, not after a guessed delay.
    const pid = await until(async () =>
      Number(await readFile(join(dir, 'start.pid'), 'utf8').catch(() => '')),
    );
    try {
      ac.abort();
      const waitedFor = new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error('the driver is waiting for the command instead of killing it')),
          10_000,
        ).unref(),
      );
      expect((await Promise.race([failure(started), waitedFor])).code).toBe('CANCELLED');
      await until(async () => !alive(pid));
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('stops the container before destroying it', async () => {
    await script({ vzlist: [{ stdout: listing('running') }] });
    await driver().destroy('101');
    expect((await calls()).map((c) => c.join(' '))).toEqual([
      expect.stringMatching(/^vzlist -a -j -o \S+ 101$/),
      'vzctl stop 101 --fast',
      'vzctl destroy 101',
    ]);
  });

  it('checks that the container exists before `set --save` (which would write a bare config)', async () => {
    await script({ vzlist: [{ exit: 1, stdout: '[]\n', stderr: 'Container(s) not found\n' }] });
    expect((await failure(driver().resize('101', { vcpus: 2 }))).code).toBe('GUEST_NOT_FOUND');
    expect((await calls()).some((c) => c[0] === 'vzctl')).toBe(false);
  });

  it('creates with the next free CTID and moves on when a concurrent create took it', async () => {
    const created = listing('stopped').replace('101', '102').replace('"web1"', '"shop"');
    await script({
      vzlist: [{ stdout: listing('running') }, { stdout: listing('running') }, { stdout: created }],
      create: [{ exit: 44, stderr: 'Private area already exists in /vz/private/102\n' }, { exit: 0 }],
    });
    const g = await driver().create({
      name: 'shop',
      template: 'debian-12-x86_64',
      vcpus: 1,
      memoryBytes: 1024 ** 3,
      diskBytes: 10 * 1024 ** 3,
    });
    expect(g).toMatchObject({ id: '102', name: 'shop' });
    const vz = (await calls()).filter((c) => c[0] === 'vzctl').map((c) => c.slice(1, 3).join(' '));
    expect(vz).toEqual(['create 102', 'create 103', 'set 103']);
  });

  it('removes a container whose limits could not be set', async () => {
    await script({ set: [{ exit: 46, stderr: 'No space left on device\n' }] });
    const err = await failure(
      driver().create({
        id: '150',
        name: 'shop',
        template: 'debian-12-x86_64',
        vcpus: 1,
        memoryBytes: 1024 ** 3,
        diskBytes: 10 * 1024 ** 3,
      }),
    );
    expect(err.code).toBe('NO_SPACE');
    expect((await calls()).map((c) => c.slice(1, 3).join(' '))).toEqual([
      'create 150',
      'set 150',
      'destroy 150',
    ]);
  });

  it('watch() polls and yields state changes until aborted', async () => {
    await script({
      vzlist: [
        { stdout: listing('running') },
        { stdout: listing('running') },
        { stdout: listing('stopped') },
      ],
    });
    const ac = new AbortController();
    const events = [];
    for await (const e of driver().watch(ac.signal)) {
      events.push(e);
      ac.abort();
    }
    expect(events).toEqual([{ type: 'stopped', guestId: '101', at: expect.any(Number) }]);
  });
});
