/**
 * Alerts in Slack: a crashed container's alert in the alerts channel, its Start button starting
 * the guest (and the card resolving), Ack and Silence 1h on another alert, and a stop of ours that
 * posts nothing.
 */
import { describe, expect, it } from 'vitest';
import { sleep, waitUntil } from '../helpers/pipeline.js';
import { ALICE, messageText, useSlackStack } from '../helpers/slack.js';

const ALERTS = 'C0ALERTS';
const s = useSlackStack({
  hosts: {
    'vz-1': {
      containers: [
        { ctid: 101, name: 'web-1', running: true },
        { ctid: 102, name: 'web-2', running: true },
        { ctid: 103, name: 'web-3', running: true },
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
    await waitUntil(async () => !(await s.pipe.host('vz-1').ctl.isRunning(103)), 15_000, 'web-3 stopped');
    await sleep(2_000);
    expect(s.standin.history(ALERTS)).toHaveLength(before);
  });
});
