/**
 * Approve and Deny on an approval card. Approve decides at once (the card updates through the
 * notifier); Deny opens a form that asks for the reason, which the requester then sees.
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

const DENY_VIEW = 'vps_deny';

export function onApprovals(app: App, ctx: SlackContext): void {
  app.action<Click>('approval_approve', async ({ ack, body, action }) => {
    await ack();
    const reply = await ctx.core.pipeline.dispatch(
      await clickCommand(ctx, body, `approve ${action.value ?? ''}`),
    );
    if (reply.jobId && reply.job?.channel) {
      // Approved: the job's message goes where it was requested, like any job's.
      await ctx.outbox.openJob({
        requestId: reply.jobId,
        channel: reply.job.channel,
        user: reply.job.view.user,
        payload: replyPayload(reply, ''),
      });
      return;
    }
    await answerClick(ctx, body, reply);
  });

  app.action<Click>('approval_deny', async ({ ack, body, action, client }) => {
    await ack();
    const id = action.value ?? '';
    const channel = clickChannel(body) ?? '';
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: DENY_VIEW,
        private_metadata: JSON.stringify({ id, channel }),
        title: { type: 'plain_text', text: 'Deny request' },
        submit: { type: 'plain_text', text: 'Deny' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          {
            type: 'input',
            block_id: 'reason',
            label: { type: 'plain_text', text: `Why deny ${id}? The requester sees this.` },
            element: { type: 'plain_text_input', action_id: 'reason_input', max_length: 200 },
          },
        ],
      },
    });
  });

  app.view(DENY_VIEW, async ({ ack, body, view }) => {
    const meta = parseMeta(view.private_metadata);
    const reason = view.state.values.reason?.reason_input?.value?.trim() ?? '';
    const user = body.user.id;
    const reply = await ctx.core.pipeline.dispatch({
      text: `deny ${meta.id} reason=${JSON.stringify(reason.replace(/"/g, "'"))}`,
      user,
      usergroups: await ctx.groups.of(user),
      ...(meta.channel ? { channel: meta.channel } : {}),
      origin: 'slack',
    });
    if (!reply.ok)
      return void (await ack({ response_action: 'errors', errors: { reason: reply.text.slice(0, 300) } }));
    await ack();
  });
}

function parseMeta(raw: string | undefined): { id: string; channel?: string } {
  try {
    const m = JSON.parse(raw ?? '{}') as { id?: unknown; channel?: unknown };
    return {
      id: typeof m.id === 'string' ? m.id : '',
      ...(typeof m.channel === 'string' && m.channel ? { channel: m.channel } : {}),
    };
  } catch {
    return { id: '' };
  }
}
