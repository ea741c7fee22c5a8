/**
 * The notifier under trouble: Slack answering 429 and 500, a channel the bot is not in, a bot
 * restarting mid-job, two replicas on one Redis, and Socket Mode instead of HTTP.
 */
import { describe, expect, it } from 'vitest';
import { createBotCore } from '../../src/bot/core.js';
import { createSlackBot } from '../../src/chat/slack/app.js';
import { SlackClientSim } from '../../testkit/slack/index.js';
import { testConfig } from '../helpers/config.js';
import { captureLog, waitUntil } from '../helpers/pipeline.js';
import { ALICE, CHANNEL, messageText, SIGNING_SECRET, useSlackStack } from '../helpers/slack.js';

const s = useSlackStack({
  hosts: {
    'vz-1': {
      containers: Array.from({ length: 12 }, (_, i) => ({
        ctid: 101 + i,
        name: `web-${i + 1}`,
        running: false,
      })),
      delays: { start: 1_000 },
    },
  },
  standin: { notInChannel: ['C0LOCKED'] },
});

async function newestJob(): Promise<string> {
  const [f] = await s.pipe.core.jobs.recent({ hosts: ['vz-1'], limit: 1 });
  return String(f!.job.id);
}
const done = (m: { text: string }) => messageText(m as never).includes('done');

describe('Slack trouble', () => {
  it('a storm of 429s on chat.update delays the outcome but loses nothing', async () => {
    s.standin.inject429Storm('chat.update', 2_500, 1);
    const before = s.standin.count429;
    await s.command('start web-1');
    const job = await newestJob();
    const msg = await s.waitJobMessage(job, done, { timeoutMs: 20_000, what: 'done after the storm' });
    expect(messageText(msg)).toContain('web-1');
    expect(s.standin.count429).toBeGreaterThan(before);
    // Rate-limited means waiting Retry-After, not hammering: few 429s for a 2.5 s storm.
    expect(s.standin.count429 - before).toBeLessThan(8);
  });

  it('a 500 from Slack is retried and the message still lands', async () => {
    s.standin.inject('chat.postMessage', { status: 500 }, 2);
    await s.command('start web-2');
    const job = await newestJob();
    await s.waitJobMessage(job, done, { timeoutMs: 20_000, what: 'done after 500s' });
  });

  it('a channel the bot is not in: the job runs, and the requester is told how to invite the bot', async () => {
    const before = s.standin.responses.length;
    const r = await s.command('start web-3', { channel: 'C0LOCKED' });
    expect(r.status).toBe(200);
    const said = await waitUntil(
      () => s.standin.responses.slice(before).find((x) => JSON.stringify(x.body).includes('/invite')),
      10_000,
      'the invite hint on the response_url',
    );
    expect(said.url).toBe(r.responseUrl);
    await waitUntil(() => s.pipe.host('vz-1').ctl.isRunning(103), 10_000, 'web-3 running anyway');
  });

  it('a bot restarting mid-job: the other replica finishes the same message', async () => {
    const second = await s.replica();
    await s.pipe.host('vz-1').ctl.setDelay('start', 3_000);
    await s.command('start web-4');
    const job = await newestJob();
    await s.waitJobMessage(job, (m) => !done(m), { what: 'the queued/running message' });
    expect(s.bot.bot.notifier.isLeader).toBe(true);
    await s.bot.stop();
    const msg = await s.waitJobMessage(job, done, { timeoutMs: 20_000, what: 'done after the restart' });
    expect(second.bot.notifier.isLeader).toBe(true);
    expect(msg.edits).toBeGreaterThanOrEqual(1);
    expect(s.standin.history(CHANNEL).filter((m) => messageText(m).includes(job))).toHaveLength(1);
    await s.pipe.host('vz-1').ctl.setDelay('start', 1_000);

    // Commands reach the survivor, and a third replica joining posts nothing twice.
    const third = await s.replica();
    const c = new SlackClientSim({ standin: s.standin, eventsUrl: third.url, signingSecret: SIGNING_SECRET });
    await c.command('start web-5', { user: ALICE, channel: CHANNEL });
    const job5 = await newestJob();
    await s.waitJobMessage(job5, done, { timeoutMs: 20_000 });
    expect(s.standin.history(CHANNEL).filter((m) => messageText(m).includes(job5))).toHaveLength(1);
    expect(third.bot.notifier.isLeader).toBe(false);
  });
});

describe('Socket Mode', () => {
  it('with SLACK_APP_TOKEN the bot connects over a WebSocket and acks commands there', async () => {
    const config = testConfig(
      {
        redis: { url: s.pipe.config.redis.url },
        hosts: s.pipe.config.hosts,
        slack: { apiUrl: s.standin.apiUrl },
      },
      { SLACK_BOT_TOKEN: s.standin.identity.botToken, SLACK_APP_TOKEN: 'xapp-1-test' },
    );
    const log = captureLog('warn');
    const core = createBotCore(config, log.logger);
    const bot = createSlackBot(core, log.logger);
    try {
      await bot.start();
      expect(bot.mode).toBe('socket');
      await s.standin.socket.connected();
      const c = new SlackClientSim({ standin: s.standin, eventsUrl: 'unused', signingSecret: 'unused' });
      const ack = await c.commandViaSocket('help', { user: ALICE, channel: CHANNEL });
      expect(ack?.response_type).toBe('ephemeral');
      expect(JSON.stringify(ack)).toContain('start');
    } finally {
      await bot.stop();
      await core.close();
    }
  });
});
