/**
 * `/vps …` from Slack. Ack first: the dispatcher parses, authorizes and enqueues from Redis alone,
 * then the ack answers reads and refusals (only the caller sees them); a job's message is left to
 * the notifier, which posts it in the channel and updates it in place. `/vps create` with nothing
 * after it opens the create form instead.
 */
import type { App, SlashCommand } from '@slack/bolt';
import { ackBody, replyPayload, type SlackContext } from './context.js';

export function onCommand(app: App, ctx: SlackContext, openCreateModal: OpenModal): void {
  app.command('/vps', async ({ command, ack }) => {
    const text = command.text.trim();
    if (/^create$/i.test(text)) {
      await ack();
      await openCreateModal(command);
      return;
    }
    const reply = await ctx.core.dispatcher.dispatch({
      text,
      user: command.user_id,
      channel: command.channel_id,
      origin: 'slack',
    });
    if (!reply.jobId) {
      await ack(ackBody(reply, text));
      return;
    }
    await ack();
    await ctx.outbox.openJob({
      requestId: reply.jobId,
      channel: command.channel_id,
      user: command.user_id,
      responseUrl: command.response_url,
      payload: replyPayload(reply, text),
    });
  });
}

export type OpenModal = (command: SlashCommand) => Promise<void>;
