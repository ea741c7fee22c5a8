/**
 * The buttons of an alert: Start (a crashed guest), Silence 1h and Ack. Each needs operator
 * rights on the alert's host and guest; the card is redrawn through the notifier.
 */
import type { App } from '@slack/bolt';
import type { AlertState } from '../../model/alert.js';
import { OpError } from '../../model/errors.js';
import { errorReply } from '../view/messages.js';
import {
  answerClick,
  type Click,
  clickChannel,
  clickCommand,
  replyPayload,
  type SlackContext,
} from './context.js';
import { writeAlert } from './notify/sink.js';

const HOUR = 3600_000;

export function onAlerts(app: App, ctx: SlackContext): void {
  /** The alert, if the clicker may act on it (operator on its host and guest). */
  const allowed = async (body: Click, fp: string): Promise<AlertState | undefined> => {
    const s = await ctx.core.alerts.get(fp);
    if (!s)
      return void (await answerClick(
        ctx,
        body,
        errorReply(new OpError('BAD_INPUT', 'That alert is no longer kept.')),
      ));
    const { user, usergroups = [], channel } = await clickCommand(ctx, body, '');
    const d = ctx.core.policy.policy.decide({
      user,
      usergroups,
      ...(channel ? { channel } : {}),
      op: { name: 'stop', risk: 'change' },
      host: s.host,
      ...(s.guest ? { guest: s.guest } : {}),
    });
    if (d.allow) return s;
    await answerClick(ctx, body, errorReply(new OpError('DENIED', `Not allowed: ${d.reason}.`)));
    return undefined;
  };

  app.action<Click>('alert_start', async ({ ack, body, action }) => {
    await ack();
    const reply = await ctx.core.dispatcher.dispatch(
      await clickCommand(ctx, body, `start ${action.value ?? ''}`),
    );
    const channel = clickChannel(body);
    if (reply.jobId && channel)
      await ctx.outbox.openJob({
        requestId: reply.jobId,
        channel,
        user: body.user.id,
        payload: replyPayload(reply, ''),
      });
    else await answerClick(ctx, body, reply);
  });

  app.action<Click>('alert_silence', async ({ ack, body, action }) => {
    await ack();
    const s = await allowed(body, action.value ?? '');
    if (!s) return;
    const until = Date.now() + HOUR;
    await ctx.core.alerts.silences.silence({
      scope: { fingerprint: s.fingerprint },
      until,
      by: body.user.id,
    });
    const note = `silenced for 1h by <@${body.user.id}>, until ${new Date(until).toISOString()}`;
    // Through the store, so that the next check does not edit the card again to say the same.
    const d = await ctx.core.alerts.remute(s.fingerprint);
    const state = d.action === 'none' ? ((await ctx.core.alerts.get(s.fingerprint)) ?? s) : d.state;
    await writeAlert(ctx.outbox, ctx.core.config, state, note);
  });

  app.action<Click>('alert_ack', async ({ ack, body, action }) => {
    await ack();
    const s = await allowed(body, action.value ?? '');
    if (!s) return;
    const acked = await ctx.core.alerts.ack(s.fingerprint, body.user.id);
    if (acked) await writeAlert(ctx.outbox, ctx.core.config, acked, `acknowledged by <@${body.user.id}>`);
  });
}
