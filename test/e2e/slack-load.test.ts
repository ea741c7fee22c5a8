/**
 * 20 long jobs at once, with Slack's real published limits enforced by the stand-in: every
 * message reaches its outcome in its own channel and Slack never says 429. Post spacing and the 80%
 * share are the budget's to keep and are proven on a fake clock (test/unit/notify/budget.test.ts,
 * test/integration/slack-flusher.test.ts), not here on the wall clock.
 */
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/pipeline.js';
import { ALICE, messageText, useSlackStack } from '../helpers/slack.js';

const CHANNELS = ['C0TEAMA', 'C0TEAMB'];
const s = useSlackStack({
  hosts: {
    'vz-1': {
      containers: Array.from({ length: 20 }, (_, i) => ({
        ctid: 101 + i,
        name: `load-${i}`,
        running: false,
      })),
      delays: { start: 10_000 },
      workerConfig: { worker: { concurrency: 20 } },
    },
  },
});

describe('20 concurrent long jobs', () => {
  it('all finish in their own message with no 429', async () => {
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.command(`start load-${i}`, { user: ALICE, channel: CHANNELS[i % 2]! }),
      ),
    );
    expect(acks.every((a) => a.status === 200 && a.ms < 3_000)).toBe(true);
    const jobs = (await s.pipe.core.jobs.recent({ hosts: ['vz-1'], limit: 20 })).map((f) => ({
      id: String(f.job.id),
      channel: f.job.data.request.channel!,
    }));
    expect(jobs).toHaveLength(20);
    await waitUntil(
      () => jobs.every((j) => messageText(s.jobMessage(j.id, j.channel) ?? { text: '' }).includes('done')),
      90_000,
      'every job message to say done',
    );
    expect(s.standin.count429).toBe(0);
    for (const c of CHANNELS) {
      expect(s.standin.history(c)).toHaveLength(10);
    }
    // Tier 3 is 50 a minute, as the stand-in counts it. The notifier's own 40 is not checked here:
    // these stamps are taken by the stand-in after each request's flight, so a one-second stall
    // would break it while the bot is right; test/unit/notify/budget.test.ts proves it on a fake clock.
    expect(s.standin.callsPerWindow('chat.update', 60_000)).toBeLessThanOrEqual(50);
  }, 120_000);
});
