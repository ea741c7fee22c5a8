/**
 * Alerts in Slack: a crashed container's alert in the alerts channel, its Start button starting
 * the guest (and the card resolving), Ack and Silence 1h on another alert, and a stop of ours that
 * posts nothing (shown by a later crash that does).
 */
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/pipeline.js';
import { ALICE, messageText, useSlackStack } from '../helpers/slack.js';

const ALERTS = 'C0ALERTS';
const s = useSlackStack({
  hosts: {
    'vz-1': {
      containers: [
        { ctid: 101, name: 'web-1', running: true },
        { ctid: 102, name: 'web-2', running: true },
        { ctid: 103, name: 'web-3', running: true },
        { ctid: 104, name: 'web-4', running: true },
      ],
      memMiB: 64 * 1024,
    },
  },
  config: { slack: { alertsChannel: ALERTS }, alerts: { interval: 300 } },
});

const card = (text: string) =>
  waitUntil(() => s.standin.history(ALERTS).find((m) => messageText(m).includes(text)), 10_000, text);

describe('alerts in Slack', () => {
  it('a crash posts a critical alert whose Start button starts the guest; the card then resolves', async () => {
    await s.pipe.host('vz-1').ctl.crash(101);
    const m = await card('web-1 (101) crashed on vz-1');
    expect(messageText(m)).toContain('alert_start');
    expect(messageText(m)).toContain('🚨');
    await s.client.clickButton({ user: ALICE, channel: ALERTS, messageTs: m.ts, actionId: 'alert_start' });
    await waitUntil(() => s.pipe.host('vz-1').ctl.isRunning(101), 15_000, 'web-1 running again');
    await waitUntil(
      () => messageText(s.standin.message(ALERTS, m.ts)!).includes('Resolved'),
      10_000,
      'the card resolved',
    );
    expect(
      s.standin.history(ALERTS).filter((x) => messageText(x).includes('web-1 (101) crashed')),
    ).toHaveLength(1);
  });

  it('Ack and Silence 1h update the one card, with a note in its thread', async () => {
    await s.pipe.host('vz-1').ctl.crash(102);
    const m = await card('web-2 (102) crashed on vz-1');
    await s.client.clickButton({ user: ALICE, channel: ALERTS, messageTs: m.ts, actionId: 'alert_ack' });
    await waitUntil(
      () => messageText(s.standin.message(ALERTS, m.ts)!).includes('acknowledged by'),
      10_000,
      'acked',
    );
    await s.client.clickButton({ user: ALICE, channel: ALERTS, messageTs: m.ts, actionId: 'alert_silence' });
    await waitUntil(
      () => messageText(s.standin.message(ALERTS, m.ts)!).includes('silenced'),
      10_000,
      'silenced',
    );
    await waitUntil(
      () => s.standin.replies(ALERTS, m.ts).some((r) => messageText(r).includes('silenced for 1h')),
      10_000,
      'the note in the thread',
    );
  });

  it('a stop we asked for posts nothing in the alerts channel', async () => {
    const before = s.standin.history(ALERTS).length;
    await s.command('stop web-3');
    const [job] = (await s.pipe.core.jobs.recent({ hosts: ['vz-1'], limit: 1 })).map((f) => String(f.job.id));
    await s.waitJobMessage(job!, (m) => messageText(m).includes('done'), { what: 'the stop done' });
    // The positive control: a crash after the stop, of a container listed after web-3, reaches
    // the channel. The watcher reports changes in listing order and the notifier takes notices
    // in order, so anything it had to say about web-3 would have come first.
    await s.pipe.host('vz-1').ctl.crash(104);
    await card('web-4 (104) crashed on vz-1');
    await waitUntil(async () => (await s.bot.bot.outbox.pending()) === 0, 10_000, 'Slack caught up');
    expect(
      s.standin
        .history(ALERTS)
        .slice(before)
        .map((m) => m.text),
    ).toEqual(['CRITICAL: web-4 (104) crashed on vz-1']);
  });
});
