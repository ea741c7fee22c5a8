/** The Slack outbox on a real Redis: ordering rules that keep a job's message right across bots. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackOutbox } from '../../src/chat/slack/notify/outbox.js';
import { Keys } from '../../src/store/keys.js';
import { useRedis } from '../helpers/redis.js';

const redis = useRedis();
let r: Redis;
let outbox: SlackOutbox;
const keys = new Keys('obx');

beforeAll(() => {
  r = new Redis(redis.url);
  outbox = new SlackOutbox(r, keys, 1_000);
});
afterAll(async () => {
  await r.quit();
});

const payload = (text: string) => ({ text });

describe('SlackOutbox', () => {
  it('a late progress notice does not undo an outcome', async () => {
    await outbox.updateJob({ requestId: 'j1', channel: 'C1', payload: payload('done'), final: true });
    expect(await outbox.updateJob({ requestId: 'j1', payload: payload('running 50%'), final: false })).toBe(
      0,
    );
    expect((await outbox.getJob('j1'))!.payload!.text).toBe('done');
  });

  it('the listener’s queued message does not overwrite a state the worker already reported', async () => {
    await outbox.updateJob({ requestId: 'j2', channel: 'C1', payload: payload('running'), final: false });
    await outbox.openJob({ requestId: 'j2', channel: 'C1', user: 'U1', payload: payload('queued') });
    const m = (await outbox.getJob('j2'))!;
    expect(m.payload!.text).toBe('running');
    expect(m.user).toBe('U1');
  });

  it('after a write, a newer state waits one update interval; an outcome goes to the front set', async () => {
    const now = Date.now();
    await outbox.openJob({ requestId: 'j3', channel: 'C1', user: 'U1', payload: payload('queued') });
    await outbox.written('j3', 1, '1.0001', now);
    expect(await outbox.due(now, 100)).not.toContain('job:j3');
    await outbox.updateJob({ requestId: 'j3', payload: payload('running'), final: false, now });
    expect(await r.zscore(keys.slackDue('lo'), 'job:j3')).toBe(String(now + 1_000));
    await outbox.updateJob({ requestId: 'j3', payload: payload('done'), final: true, now });
    expect(await r.zscore(keys.slackDue('lo'), 'job:j3')).toBeNull();
    expect(await r.zscore(keys.slackDue('hi'), 'job:j3')).toBe(String(now + 1_000));
  });

  it('a finished job with a log stays due until its thread is posted', async () => {
    const now = Date.now();
    await outbox.openJob({ requestId: 'j4', channel: 'C1', user: 'U1', payload: payload('queued') });
    await outbox.updateJob({
      requestId: 'j4',
      payload: payload('done'),
      final: true,
      logLine: '+1s step',
      now,
    });
    const m = (await outbox.getJob('j4'))!;
    await outbox.written('j4', m.version, '1.0002', now);
    expect(await outbox.due(now, 100)).toContain('job:j4');
    await outbox.threadPosted('j4');
    expect(await outbox.due(now + 10_000, 100)).not.toContain('job:j4');
  });
});
