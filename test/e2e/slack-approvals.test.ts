/**
 * Approvals through Slack: the card posted by the notifier, Approve clicked by another approver,
 * Deny asking for the reason in a form, and refusals answered only to the person who clicked.
 */
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/pipeline.js';
import { ALICE, BOB, CHANNEL, messageText, useSlackStack } from '../helpers/slack.js';

const ROOT = 'U0ROOT';
const APPROVALS = 'C0APPROVE';
const s = useSlackStack({
  hosts: {
    'vz-1': {
      containers: [
        { ctid: 101, name: 'web-1', running: true },
        { ctid: 102, name: 'web-2', running: true },
      ],
    },
  },
  config: {
    access: {
      policy: {
        grants: [
          { name: 'admins', users: [ROOT], roles: ['admin', 'approver'] },
          { name: 'approvers', users: [BOB], roles: ['approver'] },
          { name: 'ops', users: [ALICE], roles: ['operator'] },
        ],
        approvals: { channel: APPROVALS },
      },
    },
  },
});

/** `/vps destroy <guest>` as root; returns the approval card once the notifier has posted it. */
async function requestDestroy(guest: string) {
  const r = await s.command(`destroy ${guest}`, { user: ROOT });
  expect(r.json?.response_type).toBe('ephemeral');
  expect(JSON.stringify(r.json)).toContain('needs approval');
  return waitUntil(
    () =>
      s.standin
        .history(APPROVALS)
        .find(
          (m) => messageText(m).includes(`destroy* ${guest}`) && messageText(m).includes('approval_approve'),
        ),
    10_000,
    'the approval card',
  );
}

describe('approval card in Slack', () => {
  it('a destroy waits for a different approver’s click, then runs exactly as requested', async () => {
    const card = await requestDestroy('web-1');
    expect(messageText(card)).toContain(`<@${ROOT}>`);
    expect(messageText(card)).toContain('destroy is destructive');
    // The requester's own click is refused, only to them.
    const before = s.standin.responses.length;
    await s.client.clickButton({
      user: ROOT,
      channel: APPROVALS,
      messageTs: card.ts,
      actionId: 'approval_approve',
    });
    const said = await waitUntil(() => s.standin.responses.slice(before).at(0), 5_000, 'the refusal');
    expect(JSON.stringify(said.body)).toContain('cannot approve your own request');
    expect(said.body.response_type).toBe('ephemeral');
    // A non-approver's click too.
    const before2 = s.standin.responses.length;
    await s.client.clickButton({
      user: ALICE,
      channel: APPROVALS,
      messageTs: card.ts,
      actionId: 'approval_approve',
    });
    const said2 = await waitUntil(() => s.standin.responses.slice(before2).at(0), 5_000, 'the refusal');
    expect(JSON.stringify(said2.body)).toContain('Not allowed');

    await s.client.clickButton({
      user: BOB,
      channel: APPROVALS,
      messageTs: card.ts,
      actionId: 'approval_approve',
    });
    const approved = await waitUntil(
      () => {
        const m = s.standin.message(APPROVALS, card.ts)!;
        return messageText(m).includes('approved by') ? m : undefined;
      },
      10_000,
      'the card to say approved',
    );
    expect(messageText(approved)).toContain(`<@${BOB}>`);
    expect(messageText(approved)).not.toContain('approval_approve');
    // The job's own message, in the channel it was asked in, reaches done.
    await waitUntil(
      () =>
        s.standin
          .history(CHANNEL)
          .find((m) => messageText(m).includes('destroy') && messageText(m).includes('done')),
      15_000,
      'the destroy job done',
    );
    expect(await s.pipe.host('vz-1').ctl.isRunning(101)).toBe(false);
  });

  it('Deny asks for a reason in a form; the card shows who denied and why; nothing runs', async () => {
    const card = await requestDestroy('web-2');
    await s.client.clickButton({
      user: BOB,
      channel: APPROVALS,
      messageTs: card.ts,
      actionId: 'approval_deny',
    });
    const form = await waitUntil(
      () => [...s.standin.views.values()].find((v) => v.callback_id === 'vps_deny'),
      5_000,
      'the deny form',
    );
    const empty = await s.client.submitView({ user: BOB, viewId: form.id, values: { reason: '' } });
    expect(empty.json).toMatchObject({ response_action: 'errors' });
    const ok = await s.client.submitView({
      user: BOB,
      viewId: form.id,
      values: { reason: 'take a snapshot first' },
    });
    expect(ok.status).toBe(200);
    const denied = await waitUntil(
      () => {
        const m = s.standin.message(APPROVALS, card.ts)!;
        return messageText(m).includes('denied by') ? m : undefined;
      },
      10_000,
      'the card to say denied',
    );
    expect(messageText(denied)).toContain('take a snapshot first');
    expect(await s.pipe.host('vz-1').ctl.isRunning(102)).toBe(true);
    const { entries } = await s.pipe.core.audit.query({ type: 'approval', limit: 10 });
    expect(
      entries.some(
        (e) => e.type === 'approval' && e.decision === 'denied' && e.reason === 'take a snapshot first',
      ),
    ).toBe(true);
  });
});
