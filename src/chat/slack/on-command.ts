/**
 * `/vps …` from Slack. Ack first: the pipeline parses, authorizes and enqueues from Redis alone,
 * then the ack answers reads and refusals (only the caller sees them); a job's message is left to
 * the notifier, which posts it in the channel and updates it in place. `/vps create` with nothing
 * after it opens the create form instead.
 */
import type { App, SlashCommand } from '@slack/bolt';
import type { Reply } from '../../model/outcome.js';
import { jobText, queuedBlocks } from '../view/job-message.js';
import { ackBody, replyPayload, type SlackContext } from './context.js';

/** Slack gives up on an ack after 3 s; past this, ack with a holding answer and finish after. */
const ACK_DEADLINE_MS = 2_500;

export type OpenModal = (command: SlashCommand) => Promise<void>;

export function onCommand(app: App, ctx: SlackContext, openCreateModal: OpenModal): void {
  app.command('/vps', async ({ command, ack }) => {
    const text = command.text.trim();
    if (/^create$/i.test(text)) {
      await ack();
      await openCreateModal(command);
      return;
    }
    const dispatched = ctx.core.pipeline.dispatch({
      text,
      user: command.user_id,
      usergroups: await ctx.groups.of(command.user_id),
      channel: command.channel_id,
      origin: 'slack',
    });
    const reply = await withDeadline(dispatched, ACK_DEADLINE_MS);
    if (!reply) {
      // Redis is slow: say so now, and deliver the real answer when it comes.
      await ack({
        response_type: 'ephemeral',
        text: 'Working on it: the queue is slow to answer right now.',
      });
      return void dispatched.then((late) => deliver(ctx, command, late, text, true));
    }
    if (!reply.jobId) return void (await ack(ackBody(reply, text)));
    await ack();
    await deliver(ctx, command, reply, text, false);
  });
}

/** A job goes to the outbox as its first message, with its place in the host's line. */
async function deliver(ctx: SlackContext, command: SlashCommand, reply: Reply, text: string, late: boolean) {
  if (!reply.jobId || !reply.job) {
    if (late)
      await ctx.outbox.send({
        kind: 'respond',
        url: command.response_url,
        payload: replyPayload(reply, text),
      });
    return;
  }
  const position = await ctx.core.jobs.position(reply.job.view.host, reply.jobId).catch(() => undefined);
  const view = position !== undefined ? { ...reply.job.view, position } : reply.job.view;
  await ctx.outbox.openJob({
    requestId: reply.jobId,
    channel: command.channel_id,
    user: command.user_id,
    responseUrl: command.response_url,
    payload: { text: jobText(view), blocks: queuedBlocks(view, reply.job.hostUp) },
  });
}

/** The promise's value, or undefined if it takes longer than `ms`. */
async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
