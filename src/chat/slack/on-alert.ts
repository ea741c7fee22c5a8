/**
 * The buttons of an alert: Start (a crashed guest), Silence 1h and Ack. Each needs operator
 * rights on the alert's host and guest; the card is redrawn through the notifier.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AlertState } from '../../alerts/types.js';
import { OpError } from '../../core/errors.js';
import type { Reply } from '../../core/reply.js';
import { alertBlocks, alertChannel, alertKey, alertText } from '../alert-card.js';
import { errorReply } from '../messages.js';
import { replyPayload, type SlackContext } from './context.js';

type Click = BlockAction<ButtonAction>;
const HOUR = 3600_000;

export function onAlerts(app: App, ctx: SlackContext): void {
  const tell = async (body: Click, reply: Reply) => {
    if (body.response_url)
      await ctx.outbox.send({ kind: 'respond', url: body.response_url, payload: replyPayload(reply, '') });
  };
  const redraw = async (s: AlertState, note?: string) => {
    const channel = alertChannel(ctx.core.config, s);
    if (!channel) return;
    await ctx.outbox.updateJob({
      requestId: alertKey(s),
      payload: { text: alertText(s), blocks: alertBlocks(s, Date.now()) },
      final: false,
      channel,
      user: 'vpsops',
    });
    if (note)
      await ctx.outbox.send({ kind: 'post', channel, payload: { text: note }, threadOf: alertKey(s) });
  };
  /** The alert, if the clicker may act on it (operator on its host and guest). */
  const allowed = async (body: Click, fp: string): Promise<AlertState | undefined> => {
    const s = await ctx.core.alerts.get(fp);
    if (!s)
      return void (await tell(body, errorReply(new OpError('BAD_INPUT', 'That alert is no longer kept.'))));
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const d = ctx.core.policy.policy.decide({
      user,
      usergroups: await ctx.groups.of(user),
      ...(channel ? { channel } : {}),
      op: { name: 'stop', risk: 'change' },
      host: s.host,
      ...(s.guest ? { guest: s.guest } : {}),
    });
    if (d.allow) return s;
    await tell(body, errorReply(new OpError('DENIED', `Not allowed: ${d.allow ? '' : d.reason}.`)));
    return undefined;
  };

  app.action<Click>('alert_start', async ({ ack, body, action }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const reply = await ctx.core.dispatcher.dispatch({
      text: `start ${action.value ?? ''}`,
      user,
      usergroups: await ctx.groups.of(user),
      ...(channel ? { channel } : {}),
      origin: 'slack',
    });
    if (reply.jobId && channel)
      await ctx.outbox.openJob({ requestId: reply.jobId, channel, user, payload: replyPayload(reply, '') });
    else await tell(body, reply);
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
    await redraw(
      { ...s, muted: 'silenced' },
      `silenced for 1h by <@${body.user.id}>, until ${new Date(until).toISOString()}`,
    );
  });

  app.action<Click>('alert_ack', async ({ ack, body, action }) => {
    await ack();
    const s = await allowed(body, action.value ?? '');
    if (!s) return;
    const acked = await ctx.core.alerts.ack(s.fingerprint, body.user.id);
    if (acked) await redraw(acked, `acknowledged by <@${body.user.id}>`);
  });
}
