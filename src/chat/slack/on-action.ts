/**
 * Buttons on job messages and paged reads. Every click is acked at once; the answer goes to the
 * clicker through the click's response_url (the notifier sends it, ahead of progress updates).
 */
import type { App } from '@slack/bolt';
import {
  answerClick,
  type Click,
  clickChannel,
  clickCommand,
  pagedText,
  replyPayload,
  type SlackContext,
} from './context.js';

export function onActions(app: App, ctx: SlackContext): void {
  app.action<Click>('job_cancel', async ({ ack, body, action }) => {
    await ack();
    const reply = await ctx.core.pipeline.dispatch(
      await clickCommand(ctx, body, `cancel ${action.value ?? ''}`),
    );
    // The job's own message shows the cancellation; say something only when it did not work.
    if (!reply.ok) await answerClick(ctx, body, reply);
  });

  app.action<Click>('job_retry', async ({ ack, body, action }) => {
    await ack();
    const { text: _text, ...input } = await clickCommand(ctx, body, '');
    const reply = await ctx.core.pipeline.retry(action.value ?? '', input);
    const channel = clickChannel(body);
    if (!reply.jobId || !channel) return answerClick(ctx, body, reply);
    await ctx.outbox.openJob({
      requestId: reply.jobId,
      channel,
      user: body.user.id,
      ...(body.response_url ? { responseUrl: body.response_url } : {}),
      payload: replyPayload(reply, ''),
    });
  });

  for (const id of ['page_next', 'page_prev']) {
    app.action<Click>(id, async ({ ack, body, action }) => {
      await ack();
      const text = pagedText(action.value ?? '');
      if (!text) return;
      const reply = await ctx.core.pipeline.dispatch(await clickCommand(ctx, body, text));
      await answerClick(ctx, body, reply, { replaceOriginal: true, text });
    });
  }
}
