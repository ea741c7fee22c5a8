/**
 * The conventions every subcommand of the built CLI keeps: --version, usage errors on stderr with
 * status 64, a bad configuration 78, a Redis that does not answer 69, each as one sentence.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/demo/redis-server.js';
import { TEST_JOB_KEY } from '../helpers/config.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const SUBCOMMANDS = ['bot', 'worker', 'demo', 'exec', 'doctor', 'audit'];

const vpsops = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [CLI, ...args], { env, extendEnv: false, reject: false, timeout: 20_000 });

/** A stack trace would show as "    at …" lines. */
const NO_STACK = /^\s+at /m;

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vpsops-cli-')), 'c.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('vpsops --version', () => {
  it('prints the version of package.json and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await vpsops([flag]);
      expect(r.exitCode, flag).toBe(0);
      expect(r.stdout, flag).toBe(version);
    }
  });
});

describe('usage errors', () => {
  it("an option of no subcommand is named, with that subcommand's usage, on stderr: 64", async () => {
    const runs = await Promise.all(SUBCOMMANDS.map((cmd) => vpsops([cmd, '--frobnicate'])));
    for (const [i, r] of runs.entries()) {
      const cmd = SUBCOMMANDS[i]!;
      expect(r.exitCode, cmd).toBe(64);
      expect(r.stdout, cmd).toBe('');
      const [first, blank, usage] = r.stderr.split('\n');
      expect(first, cmd).toBe(`vpsops ${cmd}: unknown option "--frobnicate"`);
      expect(blank, cmd).toBe('');
      expect(usage, cmd).toMatch(new RegExp(`^Usage: vpsops ${cmd}`));
    }
  });

  it('an option of another subcommand is refused too', async () => {
    const r = await vpsops(['doctor', '--format', 'csv']);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toMatch(/^vpsops doctor: unknown option "--format"\n\nUsage: vpsops doctor/);
  });

  it('a missing option value, an unknown subcommand or option of vpsops itself: 64', async () => {
    const noValue = await vpsops(['worker', '--host']);
    expect(noValue.exitCode).toBe(64);
    expect(noValue.stderr).toMatch(/^vpsops worker: option "--host" needs a value\n\nUsage: vpsops worker/);
    const unknown = await vpsops(['frobnicate']);
    expect(unknown.exitCode).toBe(64);
    expect(unknown.stderr).toMatch(/^vpsops: unknown command "frobnicate"\n\nUsage: vpsops <command>/);
    const top = await vpsops(['--frobnicate']);
    expect(top.exitCode).toBe(64);
    expect(top.stderr).toMatch(/^vpsops: unknown option "--frobnicate"/);
    for (const r of [noValue, unknown, top]) expect(r.stdout).toBe('');
  });
});

describe('a configuration vpsops cannot use: 78', () => {
  it('a config file with a bad key, for every subcommand that reads it', async () => {
    const env = {
      VPSOPS_CONFIG: configFile('hosts:\n  vz-1: { kind: xen }\n'),
      VPSOPS_JOB_KEY: TEST_JOB_KEY,
    };
    const runs: [string, string[]][] = [
      ['exec', ['exec', '/vps list', '--as', 'ci']],
      ['worker', ['worker', '--host', 'vz-1']],
      ['bot', ['bot']],
      ['audit', ['audit', 'export', '--format', 'csv']],
      ['doctor', ['doctor']],
    ];
    const results = await Promise.all(runs.map(([, args]) => vpsops(args, env)));
    for (const [i, r] of results.entries()) {
      const name = runs[i]![0];
      expect(r.exitCode, name).toBe(78);
      expect(r.stderr + r.stdout, name).toContain('hosts.vz-1.kind: expected "kvm" or "openvz"');
    }
  });

  it('no job key, and a worker for a host the config does not name', async () => {
    const file = configFile('hosts:\n  vz-1: { kind: openvz }\n');
    const noKey = await vpsops(['exec', '/vps list', '--as', 'ci'], { VPSOPS_CONFIG: file });
    expect(noKey.exitCode).toBe(78);
    expect(noKey.stderr).toMatch(/^vpsops: VPSOPS_JOB_KEY must be set/);
    const noHost = await vpsops(['worker', '--host', 'vz-9'], {
      VPSOPS_CONFIG: file,
      VPSOPS_JOB_KEY: TEST_JOB_KEY,
    });
    expect(noHost.exitCode).toBe(78);
    expect(noHost.stderr).toContain('No host "vz-9" in the configuration (hosts: vz-1).');
  });
});

describe('Redis that does not answer: 69', () => {
  it('is one sentence on stderr, with no stack trace and nothing on stdout', async () => {
    const env = {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      VPSOPS_CONFIG: configFile('hosts:\n  vz-1: { kind: openvz }\nlog: { level: error }\n'),
      VPSOPS_JOB_KEY: TEST_JOB_KEY,
      SLACK_BOT_TOKEN: 'xoxb-unused',
      SLACK_SIGNING_SECRET: 'unused',
    };
    const runs: [string, string[]][] = [
      ['exec', ['exec', '/vps list', '--as', 'ci']],
      ['exec --json', ['exec', '/vps list', '--as', 'ci', '--json']],
      ['worker', ['worker', '--host', 'vz-1']],
      ['bot', ['bot']],
      ['audit', ['audit', 'export', '--format', 'jsonl']],
    ];
    const results = await Promise.all(runs.map(([, args]) => vpsops(args, env)));
    for (const [i, r] of results.entries()) {
      const name = runs[i]![0];
      expect(r.exitCode, name).toBe(69);
      expect(r.stdout, name).toBe('');
      expect(r.stderr, name).toMatch(
        /^vpsops: Redis at redis:\/\/127\.0\.0\.1:\d+ does not answer \(connect ECONNREFUSED [\d.:]+\); start it, or point REDIS_URL at it\.$/,
      );
      expect(r.stderr, name).not.toMatch(NO_STACK);
    }
  });
});
