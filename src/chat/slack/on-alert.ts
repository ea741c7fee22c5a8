/**
 * The buttons of an alert: Start (a crashed guest), Silence 1h and Ack. Each is a command of the
 * clicker's through the pipeline (`start web-1@vz-1`, `silence <alert> for=1h`, `ack <alert>`), so
 * the policy, the maintenance window and the audit trail hold as for a typed one; the card is then
 * redrawn through the notifier's outbox.
 */
import type { App } from '@slack/bolt';
import {
  answerClick,
  type Click,
  clickChannel,
  clickCommand,
  replyPayload,
  type SlackContext,
} from './context.js';
import { writeAlert } from './notify/sink.js';

export function onAlerts(app: App, ctx: SlackContext): void {
  app.action<Click>('alert_start', async ({ ack, body, action }) => {
    await ack();
    const reply = await ctx.core.pipeline.dispatch(
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

  /** Runs the click's command; on success the card gets `note`, else the clicker is told why not. */
  const onCard = (actionId: string, command: (fp: string) => string, note: (user: string) => string) =>
    app.action<Click>(actionId, async ({ ack, body, action }) => {
      await ack();
      const fp = action.value ?? '';
      const reply = await ctx.core.pipeline.dispatch(await clickCommand(ctx, body, command(fp)));
      if (!reply.ok) return void (await answerClick(ctx, body, reply));
      const state = await ctx.core.alerts.get(fp);
      if (state) await writeAlert(ctx.outbox, ctx.core.config, state, note(body.user.id));
    });

  onCard(
    'alert_silence',
    (fp) => `silence ${fp} for=1h`,
    (user) => `silenced for 1h by <@${user}>, until ${new Date(Date.now() + 3600_000).toISOString()}`,
  );
  onCard(
    'alert_ack',
    (fp) => `ack ${fp}`,
    (user) => `acknowledged by <@${user}>`,
  );
}
