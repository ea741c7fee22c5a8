/**
 * Buttons on job messages and paged reads. Every click is acked at once; the answer goes to the
 * clicker through the click's response_url (the notifier sends it, ahead of progress updates).
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Reply } from '../../core/reply.js';
import { pagedText, replyPayload, type SlackContext } from './context.js';

type Click = BlockAction<ButtonAction>;

export function onActions(app: App, ctx: SlackContext): void {
  const answer = async (body: Click, reply: Reply, replaceOriginal = false, text = '') => {
    const channel = body.channel?.id ?? body.container?.channel_id;
    const url = body.response_url;
    if (!url) return;
    await ctx.outbox.send({
      kind: 'respond',
      url,
      payload: replyPayload(reply, text),
      ...(replaceOriginal ? { replaceOriginal: true } : {}),
      ...(channel ? { fallback: { channel, user: body.user.id } } : {}),
    });
  };

  app.action<Click>('job_cancel', async ({ ack, body, action }) => {
    await ack();
    const reply = await ctx.core.dispatcher.dispatch({
      text: `cancel ${action.value ?? ''}`,
      user: body.user.id,
      usergroups: await ctx.groups.of(body.user.id),
      ...channelOf(body),
      origin: 'slack',
    });
    // The job's own message shows the cancellation; say something only when it did not work.
    if (!reply.ok) await answer(body, reply);
  });

  app.action<Click>('job_retry', async ({ ack, body, action }) => {
    await ack();
    const channel = channelOf(body);
    const reply = await ctx.core.dispatcher.retry(action.value ?? '', {
      user: body.user.id,
      usergroups: await ctx.groups.of(body.user.id),
      ...channel,
      origin: 'slack',
    });
    if (!reply.jobId || !channel.channel) return answer(body, reply);
    await ctx.outbox.openJob({
      requestId: reply.jobId,
      channel: channel.channel,
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
      const reply = await ctx.core.dispatcher.dispatch({
        text,
        user: body.user.id,
        usergroups: await ctx.groups.of(body.user.id),
        ...channelOf(body),
        origin: 'slack',
      });
      await answer(body, reply, true, text);
    });
  }
}

function channelOf(body: Click): { channel?: string } {
  const id = body.channel?.id ?? body.container?.channel_id;
  return id ? { channel: id } : {};
}
