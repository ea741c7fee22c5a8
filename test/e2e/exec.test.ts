/**
 * `vpsops exec` against live workers: one command through the chat path, the reply printed (or one
 * JSON object with --json), and an exit status that scripts can rely on (0 done, 1 failed,
 * 2 refused, 4 waiting for approval, 64 usage error, 78 misconfigured).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Daemon, spawnDaemon } from '../../src/drivers/exec.js';
import { createSimHost } from '../../src/sim/openvz/index.js';
import { OPEN_TEST_POLICY, TEST_JOB_KEY } from '../helpers/config.js';
import { useRedis } from '../helpers/redis.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js');
const redis = useRedis();
let env: Record<string, string>;
let worker: Daemon;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpsops-exec-'));
  const sim = await createSimHost({
    dir: join(dir, 'vz-1'),
    containers: [
      { ctid: 101, name: 'web-1', running: true },
      { ctid: 102, name: 'web-2', running: false },
    ],
    delays: { start: 300 },
  });
  const configFile = join(dir, 'config.yaml');
  writeFileSync(
    configFile,
    stringify({
      hosts: {
        'vz-1': {
          kind: 'openvz',
          openvz: { vzctl: sim.vzctl, vzlist: sim.vzlist, procRoot: sim.procRoot, diskRoot: dir },
        },
      },
      worker: { heartbeatInterval: '1s', heartbeatTtl: '3s' },
      log: { level: 'warn' },
      access: { policy: OPEN_TEST_POLICY },
    }),
  );
  env = { REDIS_URL: redis.url, VPSOPS_CONFIG: configFile, VPSOPS_JOB_KEY: TEST_JOB_KEY };
  worker = spawnDaemon(process.execPath, [CLI, 'worker', '--host', 'vz-1'], {
    env,
    logFile: join(dir, 'worker.log'),
  });
  // The first answer that is not "no inventory yet" means the worker is up.
  for (let i = 0; i < 100; i++) {
    const r = await execa(process.execPath, [CLI, 'exec', '/vps list', '--as', 'ci'], { env, reject: false });
    if (r.stdout.includes('2 guests')) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error('worker did not come up');
}, 40_000);

afterAll(async () => {
  await worker?.stop();
});

const vpsExec = (command: string, ...extra: string[]) =>
  execa(process.execPath, [CLI, 'exec', command, '--as', 'alice', ...extra], { env, reject: false });

describe('vpsops exec', () => {
  it('runs a command to its outcome and exits 0', async () => {
    const r = await vpsExec('/vps start 102');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/⏳ start web-2 \(102\) on vz-1: queued/);
    expect(r.stdout).toMatch(/✅ start web-2 \(102\) on vz-1: done: web-2 \(102\) is running\./);
    const status = await vpsExec('/vps status web-2');
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/State\s+🟢 running/);
  });

  it('exits 1 when the operation fails, with the sentence', async () => {
    const r = await vpsExec('/vps start web-1');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/❌ start web-1 \(101\) on vz-1: failed: CT 101 is already running\./);
  });

  it('exits 2 when the command is refused, and enqueues nothing', async () => {
    const bad = await vpsExec('/vps strat web-1');
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe(
      '❌ Unknown command "strat". Did you mean "start"?\nType /vps help to see the commands.',
    );
    const unknown = await vpsExec('/vps stop nosuch');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stdout).toMatch(/No guest named "nosuch"/);
    const jobs = await vpsExec('/vps jobs');
    expect(jobs.stdout).not.toMatch(/nosuch/);
  });

  it('--no-wait returns once the job is queued', async () => {
    const r = await vpsExec('/vps stop web-2', '--no-wait');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/queued/);
    expect(r.stdout).not.toMatch(/done/);
  });

  it('without --as it is a usage error (64) that says what is needed', async () => {
    const r = await execa(process.execPath, [CLI, 'exec', '/vps list'], { env, reject: false });
    expect(r.exitCode).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^vpsops exec: a command and --as USER are required\n\nUsage: vpsops exec/);
  });
});

describe('vpsops CLI', () => {
  it('every subcommand answers --help', async () => {
    for (const cmd of ['bot', 'worker', 'demo', 'doctor', 'exec', 'audit']) {
      const r = await execa(process.execPath, [CLI, cmd, '--help'], { reject: false });
      expect(r.exitCode, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`^Usage: vpsops ${cmd}`));
    }
  });

  it('an invalid config stops with the path of the bad key and the config status (78)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpsops-badconf-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'hosts:\n  vz-1: { kind: xen }\n');
    const r = await execa(process.execPath, [CLI, 'worker', '--host', 'vz-1'], {
      env: { VPSOPS_CONFIG: file },
      reject: false,
    });
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain('hosts.vz-1.kind: expected "kvm" or "openvz"');
  });

  it('a destructive command waits for approval: exit 4 with the request id', async () => {
    const r = await vpsExec('/vps destroy web-2');
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toMatch(
      /destroy web-2 \(102\) on vz-1 needs approval \(destroy is destructive\).*request \w+/,
    );
  });

  it('without an access policy every command but help is refused (deny by default)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpsops-nopolicy-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, stringify({ hosts: { 'vz-1': { kind: 'openvz' } } }));
    const noPolicy = { ...env, VPSOPS_CONFIG: file };
    const r = await execa(process.execPath, [CLI, 'exec', '/vps list', '--as', 'mallory'], {
      env: noPolicy,
      reject: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('you have no role in the access policy (default deny)');
    const help = await execa(process.execPath, [CLI, 'exec', '/vps help', '--as', 'mallory'], {
      env: noPolicy,
      reject: false,
    });
    expect(help.stdout).toContain('you may not run any command here');
  });

  it('doctor reports the worker and the tools', async () => {
    const r = await execa(process.execPath, [CLI, 'doctor'], { env, reject: false });
    expect(r.stdout).toMatch(/✔ configuration is valid \(1 hosts\)/);
    expect(r.stdout).toMatch(/✔ Redis [\d.]+ answers/);
    expect(r.stdout).toMatch(/✔ worker for vz-1 is reporting/);
    expect(r.stdout).toMatch(/✔ vz-1: .*vzctl vzctl version 4\.11\.1/);
    expect(r.exitCode).toBe(0);
  });
});

describe('vpsops exec output streams', () => {
  it('stdout is only the reply; the log lines go to stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpsops-streams-'));
    const file = join(dir, 'c.yaml');
    // No policy: the bot core logs a warning about it, at the default level (info).
    writeFileSync(file, stringify({ hosts: { 'vz-1': { kind: 'openvz' } } }));
    const r = await execa(process.execPath, [CLI, 'exec', '/vps list', '--as', 'mallory'], {
      env: { ...env, VPSOPS_CONFIG: file, LOG_LEVEL: 'info' },
      reject: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe(
      '❌ Not allowed: you have no role in the access policy (default deny).\n' +
        'Rule: default deny. Ask an admin of vpsops to change the access policy if you need this.',
    );
    const logs = r.stderr.split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(logs.map((l) => l.msg)).toContain(
      'no access policy is configured (VPSOPS_POLICY): every command but help is refused',
    );
  });
});

describe('vpsops exec --json', () => {
  /** Runs with --json and checks that stdout is exactly one JSON object, on one line. */
  const json = async (command: string) => {
    const r = await vpsExec(command, '--json');
    expect(r.stdout.split('\n')).toHaveLength(1);
    const outcome = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(outcome.exitCode).toBe(r.exitCode);
    return outcome;
  };

  it('a job that is done: status, ids, the plain text and the result', async () => {
    const o = await json('/vps stop web-1');
    expect(o).toMatchObject({ ok: true, status: 'done', exitCode: 0, host: 'vz-1' });
    expect(o.requestId).toMatch(/^\w+$/);
    expect(o.text).toMatch(
      /^⏳ stop web-1 \(101\) on vz-1: queued[\s\S]*\n✅ stop web-1 \(101\) on vz-1: done/,
    );
    expect(o.result).toMatchObject({ summary: expect.stringMatching(/web-1 \(101\) is stopped/) });
    expect(o).not.toHaveProperty('error');
  });

  it('a job that failed: exit 1 and the error with its code', async () => {
    const o = await json('/vps stop web-1');
    expect(o).toMatchObject({
      ok: false,
      status: 'failed',
      exitCode: 1,
      host: 'vz-1',
      error: { code: 'NOT_RUNNING', retryable: false },
    });
    expect((o.error as { message: string }).message).toMatch(/not running/);
    expect(Object.keys(o.error as object).sort()).toEqual(['code', 'message', 'retryable']);
  });

  it('a refusal: exit 2, no request, and the sentence', async () => {
    const o = await json('/vps stop nosuch');
    expect(o).toMatchObject({
      ok: false,
      status: 'refused',
      exitCode: 2,
      requestId: null,
      host: null,
      error: { code: 'GUEST_NOT_FOUND' },
    });
    expect(o.text).toMatch(/^❌ No guest named "nosuch"/);
  });

  it('a read answered by the bot', async () => {
    const o = await json('/vps list');
    expect(o).toMatchObject({ ok: true, status: 'answered', exitCode: 0, requestId: null, host: null });
    expect(o.text).toMatch(/2 guests/);
  });
});
