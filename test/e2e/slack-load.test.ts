/**
 * 20 long jobs at once, with Slack's real published limits enforced by the stand-in: every
 * message reaches its outcome, the notifier stays within its 80% budget, and Slack never says 429.
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
  it('all finish in their own message with no 429 and within 80% of each limit', async () => {
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
    // Tier 3 is 50 a minute: the notifier allows itself 40.
    expect(s.standin.callsPerWindow('chat.update', 60_000)).toBeLessThanOrEqual(40);
    // About one post per second per channel: never two within the same second in a channel.
    for (const c of CHANNELS) {
      const at = s.standin.calls
        .filter((x) => x.method === 'chat.postMessage' && x.args.channel === c)
        .map((x) => x.at);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1_000);
    }
  }, 120_000);
});
