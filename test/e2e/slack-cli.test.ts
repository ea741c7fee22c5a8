/** `vpsops bot` and `vpsops doctor` as processes, against the Slack stand-in. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../../src/cli/demo/redis-server.js';
import { SlackClientSim, type SlackStandin, startSlackStandin } from '../../testkit/slack/index.js';
import { OPEN_TEST_POLICY, TEST_JOB_KEY } from '../helpers/config.js';
import { startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';
import { messageText } from '../helpers/slack.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js');
const SECRET = 'cli-signing-secret';
const redis = useRedis();
let standin: SlackStandin;

let policyFile = '';

beforeAll(async () => {
  standin = await startSlackStandin();
  policyFile = join(mkdtempSync(join(tmpdir(), 'vpsops-policy-')), 'policy.yaml');
  writeFileSync(policyFile, stringify(OPEN_TEST_POLICY));
});
afterAll(async () => {
  await standin?.close();
});

const env = (extra: Record<string, string> = {}) => ({
  REDIS_URL: redis.url,
  VPSOPS_JOB_KEY: TEST_JOB_KEY,
  SLACK_API_URL: standin.apiUrl,
  SLACK_SIGNING_SECRET: SECRET,
  VPSOPS_POLICY: policyFile,
  LOG_LEVEL: 'info',
  ...extra,
});

describe('vpsops bot (Slack)', () => {
  it('listens on PORT, answers a signed /vps help, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const bot = execa(process.execPath, [CLI, 'bot'], {
      env: env({ SLACK_BOT_TOKEN: standin.identity.botToken, PORT: String(port) }),
      reject: false,
    });
    try {
      const client = new SlackClientSim({
        standin,
        eventsUrl: `http://127.0.0.1:${port}/slack/events`,
        signingSecret: SECRET,
      });
      const r = await waitUntil(
        () => client.command('help', { user: 'U0CLI', channel: 'C0CLI' }).catch(() => undefined),
        15_000,
        'the bot to answer',
      );
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.json)).toContain('/vps start');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.text()).toBe('ok');
    } finally {
      bot.kill('SIGTERM');
    }
    const done = await bot;
    expect(done.exitCode).toBe(0);
    expect(String(done.stdout)).toContain('vpsops bot is listening to Slack');
  });

  it('a token Slack refuses stops the bot with one sentence and the config status (78)', async () => {
    const r = await execa(process.execPath, [CLI, 'bot'], {
      env: env({ SLACK_BOT_TOKEN: 'xoxb-wrong', PORT: String(await freePort()) }),
      reject: false,
      timeout: 20_000,
    });
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain('Slack refused SLACK_BOT_TOKEN (invalid_auth)');
  });

  it('without SLACK_BOT_TOKEN it says what to set (or to use --terminal), with status 78', async () => {
    const r = await execa(process.execPath, [CLI, 'bot'], { env: env(), reject: false, timeout: 20_000 });
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(r.stderr).toContain('--terminal');
  });
});

describe('vpsops doctor (Slack)', () => {
  it('checks the token with auth.test', async () => {
    const ok = await execa(process.execPath, [CLI, 'doctor'], {
      env: env({ SLACK_BOT_TOKEN: standin.identity.botToken }),
      reject: false,
    });
    expect(ok.stdout).toMatch(/✔ Slack token works: bot @\S+ in workspace/);
    expect(standin.calls.some((c) => c.method === 'auth.test')).toBe(true);
    const bad = await execa(process.execPath, [CLI, 'doctor'], {
      env: env({ SLACK_BOT_TOKEN: 'xoxb-revoked' }),
      reject: false,
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('✘ Slack refused SLACK_BOT_TOKEN: invalid_auth');
    expect(bad.stdout).toContain('Bot User OAuth Token');
  });
});

describe('a bot killed mid-job', () => {
  it('a new bot process takes over and the same message gets the outcome', async () => {
    const pipe = await startPipeline({
      redisUrl: redis.url,
      notifier: false,
      hosts: {
        'vz-1': { containers: [{ ctid: 101, name: 'web-1', running: false }], delays: { start: 4_000 } },
      },
    });
    const file = join(pipe.dir, 'bot.yaml');
    writeFileSync(file, stringify({ hosts: pipe.config.hosts, slack: { leaderTtl: '1s' } }));
    const spawnBot = async () => {
      const port = await freePort();
      const child = execa(process.execPath, [CLI, 'bot'], {
        env: env({ SLACK_BOT_TOKEN: standin.identity.botToken, PORT: String(port), VPSOPS_CONFIG: file }),
        reject: false,
      });
      const client = new SlackClientSim({
        standin,
        eventsUrl: `http://127.0.0.1:${port}/slack/events`,
        signingSecret: SECRET,
      });
      await waitUntil(
        () => client.command('help', { user: 'U0CLI', channel: 'C0KILL' }).catch(() => undefined),
        15_000,
        'the bot',
      );
      return { child, client };
    };
    try {
      const first = await spawnBot();
      await first.client.command('start web-1', { user: 'U0CLI', channel: 'C0KILL' });
      const find = () =>
        standin
          .history('C0KILL')
          .find((m) => messageText(m).includes('start') && messageText(m).includes('web-1'));
      const posted = await waitUntil(find, 30_000, 'the job message');
      // Kill it once it has recorded the message's ts: a bot killed between Slack's answer and that
      // write (a millisecond) would leave the next bot to post the message again.
      const id = /job `(\w+)`/.exec(messageText(posted))![1]!;
      await waitUntil(
        async () => (await pipe.core.redis.hget(`vpsops:slack:msg:${id}`, 'ts')) ?? undefined,
        10_000,
        'the ts recorded',
      );
      first.child.kill('SIGKILL');
      await first.child;
      const second = await spawnBot();
      try {
        // A notice the killed bot held comes back when its lock expires (seconds).
        const done = await waitUntil(
          () => (messageText(find()!).includes('done') ? find() : undefined),
          40_000,
          'done after the kill',
        );
        expect(done!.edits).toBeGreaterThanOrEqual(1);
        expect(standin.history('C0KILL').filter((m) => messageText(m).includes('web-1'))).toHaveLength(1);
      } finally {
        second.child.kill('SIGTERM');
        await second.child;
      }
    } finally {
      await pipe.close();
    }
  }, 60_000);
});
