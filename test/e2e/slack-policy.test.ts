/**
 * The issue's "done when", with the example policy as shipped (config/policy.example.yaml) and
 * Slack user groups from the stand-in: an operator starts a guest at once, a destroy waits for
 * two different approvers' clicks and then runs as requested, the audit trail has all of it, and
 * every refusal says why.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/load.js';
import { waitUntil } from '../helpers/pipeline.js';
import { messageText, useSlackStack } from '../helpers/slack.js';

const TEAM_A = 'U0TEAMA1';
const ONCALL = 'U0ONCALL1';
const [LEAD1, LEAD2] = ['U0LEAD01', 'U0LEAD02'];
const OPS = 'C0OPS';
const APPROVALS = 'C0APPROVALS';
const s = useSlackStack({
  hosts: {
    'vz-eu': {
      containers: [
        { ctid: 101, name: 'web-1', running: false },
        { ctid: 102, name: 'web-2', running: true },
        { ctid: 103, name: 'db-1', running: true },
      ],
    },
  },
  config: {
    hosts: { 'vz-eu': { group: 'eu' } },
    access: { policyFile: join(packageRoot(), 'config', 'policy.example.yaml') },
  },
  standin: { usergroups: [{ id: 'S0TEAMA', handle: 'team-a', users: [TEAM_A] }] },
});

const done = (m: { text: string }) => messageText(m as never).includes('done');

describe('the example policy in Slack', () => {
  it('team A (by user group) starts its guest at once; guests outside its scope do not exist for it', async () => {
    await s.command('start web-1', { user: TEAM_A, channel: OPS });
    await waitUntil(
      () => s.standin.history(OPS).find((m) => messageText(m).includes('start* web-1') && done(m)),
      15_000,
      'start done',
    );
    const r = await s.command('stop db-1', { user: TEAM_A, channel: OPS });
    expect(String(r.json?.text)).toMatch(/^No guest named "db-1"/);
    const d = await s.command('destroy web-2', { user: TEAM_A, channel: OPS });
    expect(String(r.json?.response_type)).toBe('ephemeral');
    expect(String(d.json?.text)).toContain('destroy needs admin');
  });

  it('#vps-status only reads, and says so', async () => {
    const r = await s.command('start web-1', { user: 'U0PASSER', channel: 'C0STATUS' });
    expect(String(r.json?.text)).toContain('is not allowed in this channel (policy channels.C0STATUS');
    const list = await s.command('list', { user: 'U0PASSER', channel: 'C0STATUS' });
    expect(JSON.stringify(list.json)).toContain('web-1');
  });

  it('a destroy waits for two approvers other than the requester, then runs exactly as requested', async () => {
    const ask = await s.command('destroy web-2', { user: ONCALL, channel: OPS });
    expect(String(ask.json?.text)).toContain('needs approval (destroy is destructive)');
    expect(String(ask.json?.text)).toContain('2 approvers');
    const card = await waitUntil(
      () => s.standin.history(APPROVALS).find((m) => messageText(m).includes('destroy* web-2')),
      10_000,
      'the card in #approvals',
    );
    const click = (user: string) =>
      s.client.clickButton({ user, channel: APPROVALS, messageTs: card.ts, actionId: 'approval_approve' });
    const before = s.standin.responses.length;
    await click(ONCALL);
    await waitUntil(
      () =>
        s.standin.responses.slice(before).find((x) => JSON.stringify(x.body).includes('your own request')),
      5_000,
      'the self-approval refusal',
    );
    await click(LEAD1);
    await waitUntil(
      () => messageText(s.standin.message(APPROVALS, card.ts)!).includes('1 more approval'),
      10_000,
      '1 of 2',
    );
    await click(LEAD2);
    await waitUntil(
      () => messageText(s.standin.message(APPROVALS, card.ts)!).includes('approved by'),
      10_000,
      'approved',
    );
    const job = await waitUntil(
      () => s.standin.history(OPS).find((m) => messageText(m).includes('destroy* web-2') && done(m)),
      15_000,
      'the destroy done',
    );
    expect(messageText(job)).toContain(`<@${ONCALL}>`);
    const names = (await s.pipe.core.fleet.inventories(['vz-eu'])).get('vz-eu')!.guests.map((g) => g.name);
    expect(names).not.toContain('web-2');

    // Everything above is in the audit trail, with the permalink of the job's message.
    const { entries } = await s.pipe.core.audit.query({ limit: 100 });
    const about = entries.filter(
      (e) => 'requestId' in e && e.requestId === ask.json?.text?.toString().match(/request `?(\w+)/)?.[1],
    );
    const kinds = new Set(
      about.map(
        (e) =>
          `${e.type}:${'outcome' in e ? e.outcome : 'decision' in e ? e.decision : 'phase' in e ? e.phase : ''}`,
      ),
    );
    for (const k of ['command:approval-requested', 'approval:approved', 'job:start', 'job:end', 'message:'])
      expect(kinds.has(k), k).toBe(true);
    expect(about.find((e) => e.type === 'message')).toMatchObject({
      permalink: expect.stringMatching(/\/archives\/C0OPS\/p\d+/),
    });
    expect(entries.some((e) => e.type === 'command' && e.outcome === 'denied' && e.user === 'U0PASSER')).toBe(
      true,
    );
  });
});
