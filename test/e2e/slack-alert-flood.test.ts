/**
 * What standing alerts cost in Slack, counted at the stand-in: 20 hosts overcommitted for ten
 * minutes of alert checks (15 s apart, on the test's clock) post 20 messages and edit none of them;
 * an escalation, an Ack, a Silence and a resolution each edit their one message once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertManager } from '../../src/bot/alerts/manager.js';
import { SlackSink } from '../../src/chat/slack/notify/sink.js';
import { publishGuests, type ReportedGuest, reportHost } from '../helpers/fleet.js';
import { captureLog, waitUntil } from '../helpers/pipeline.js';
import { ALICE, messageText, useSlackStack } from '../helpers/slack.js';

const ALERTS = 'C0ALERTS';
const HOSTS = Array.from({ length: 20 }, (_, i) => `vz-${String(i + 1).padStart(2, '0')}`);
const CHECK_MS = 15_000;

const s = useSlackStack({
  hosts: {},
  config: {
    hosts: Object.fromEntries(HOSTS.map((h) => [h, { kind: 'openvz', group: 'test' }])),
    // The bot's own alert timer stays out of the way: the test runs the checks on its own clock.
    alerts: { interval: 3600_000 },
    // Limits out of the way too, so that every edit the alerts ask for is made and counted,
    // not spread over minutes or folded into a later one.
    slack: {
      alertsChannel: ALERTS,
      updateInterval: 20,
      limits: { postPerChannelPerSecond: 1000, postPerMinute: 100_000, tier3PerMinute: 100_000 },
    },
  },
  standin: { limits: false },
});

let clock = Date.now();
let manager: AlertManager;

/** 8 GiB hosts: 8.8 GiB promised is 1.10x (warning), 10 GiB is 1.25x (critical). */
const warning: ReportedGuest[] = [
  { name: 'a', memGiB: 4 },
  { name: 'b', memGiB: 4.8 },
];
const critical: ReportedGuest[] = [...warning, { name: 'c', memGiB: 1.2 }];

beforeAll(async () => {
  const { outbox, notifier, adapter } = s.bot.bot;
  await waitUntil(() => notifier.isLeader, 10_000, 'the notifier lease');
  const sink = new SlackSink(outbox, s.pipe.config, () => adapter.flusher.wake());
  manager = new AlertManager({
    store: s.bot.core.alerts,
    fleet: s.bot.core.fleet,
    config: s.pipe.config,
    log: captureLog('silent').logger,
    emit: (e) => sink.alert(e),
    now: () => clock,
  });
  for (const h of HOSTS) await reportHost(s.bot.core.fleet, h, { memGiB: 8, guests: warning, at: clock });
});

/** `n` alert checks 15 s apart, each followed by Slack catching up with all it was given. */
async function checks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock += CHECK_MS;
    await manager.evaluate();
    await waitUntil(async () => (await s.bot.bot.outbox.pending()) === 0, 10_000, 'the outbox drained');
  }
}

const calls = (method: string) =>
  s.standin.calls.filter((c) => c.method === method && c.status === 200 && c.args.channel === ALERTS);
/** chat.update calls per alert message ts. */
const editsOf = (ts: string) => calls('chat.update').filter((c) => c.args.ts === ts).length;
const card = (host: string) => {
  const m = s.standin.history(ALERTS).find((x) => messageText(x).includes(`${host} RAM overcommitted`));
  if (!m) throw new Error(`no alert message for ${host}`);
  return m;
};

describe('standing alerts in Slack', () => {
  it('20 hosts overcommitted for ten minutes: 20 messages, at most one edit each', async (ctx) => {
    await checks((10 * 60_000) / CHECK_MS);
    const posts = calls('chat.postMessage');
    const updates = calls('chat.update');
    await ctx.annotate(
      `40 checks of 20 standing alerts: ${posts.length} posts, ${updates.length} chat.update`,
    );
    expect(posts).toHaveLength(20);
    expect(new Set(posts.map((c) => String(c.args.text))).size).toBe(20);
    for (const h of HOSTS) expect(editsOf(card(h).ts), h).toBeLessThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(20);
    // The message says since when, not how often it was seen.
    const text = messageText(card('vz-01'));
    expect(text).toMatch(/\*Since\*\\n<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    expect(text).not.toMatch(/Seen|times/);
  });

  it('a change that matters edits its one message once: escalation, Ack, Silence 1h, resolution', async (ctx) => {
    const before = new Map(HOSTS.map((h) => [h, editsOf(card(h).ts)]));
    const edited = (h: string) => editsOf(card(h).ts) - before.get(h)!;

    await publishGuests(s.bot.core.fleet, 'vz-01', critical, clock);
    await publishGuests(s.bot.core.fleet, 'vz-02', [{ name: 'a', memGiB: 4 }], clock);
    const acked = card('vz-03');
    await s.client.clickButton({ user: ALICE, channel: ALERTS, messageTs: acked.ts, actionId: 'alert_ack' });
    const hushed = card('vz-04');
    await s.client.clickButton({
      user: ALICE,
      channel: ALERTS,
      messageTs: hushed.ts,
      actionId: 'alert_silence',
    });
    // The clicks answered: both cards show it before the checks go on.
    await waitUntil(() => messageText(card('vz-03')).includes('acknowledged by'), 10_000, 'the ack shown');
    await waitUntil(() => messageText(card('vz-04')).includes('silenced'), 10_000, 'the silence shown');
    await checks(20);

    expect(messageText(card('vz-01'))).toContain('(critical)');
    expect(messageText(card('vz-02'))).toContain('Resolved');
    const changed = ['vz-01', 'vz-02', 'vz-03', 'vz-04'];
    await ctx.annotate(
      `20 more checks with 4 changes: chat.update per changed alert ${changed.map(edited).join(', ')}, ` +
        `${HOSTS.filter((h) => !changed.includes(h)).reduce((n, h) => n + edited(h), 0)} for the 16 others`,
    );
    expect(changed.map(edited)).toEqual([1, 1, 1, 1]);
    expect(HOSTS.filter((h) => !changed.includes(h) && edited(h) > 0)).toEqual([]);
    const thread = (h: string) => s.standin.replies(ALERTS, card(h).ts).map((r) => r.text);
    expect(thread('vz-01')).toEqual(['escalated to critical']);
    expect(thread('vz-02')).toEqual(['resolved: RAM is back at 0.50x']);
  });
});
