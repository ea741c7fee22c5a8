/**
 * The create form and the App Home. Both are answered by the replica that got the request:
 * a trigger_id lives 3 seconds, so the form opens straight from the listener, not via the notifier.
 */
import type { App, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { hostDriverConfig } from '../../config/load.js';
import { allocation } from '../../model/allocation.js';
import { replyPayload, type SlackContext } from './context.js';
import { CREATE_CALLBACK_ID, createModal } from './create-modal.js';
import {
  checkCreateFields,
  createCommandText,
  fieldErrors,
  privateMetadata,
  readCreateSubmission,
} from './create-submission.js';
import { HOME_REFRESH_ACTION, homeView } from './home.js';

export function onViews(app: App, ctx: SlackContext): (command: SlashCommand) => Promise<void> {
  const { config } = ctx.core;

  const openCreateModal = async (command: SlashCommand) => {
    const hosts = await ctx.core.fleet.hosts(Object.keys(config.hosts));
    const kinds = Object.keys(config.hosts).map((h) => hostDriverConfig(config, h));
    // Templates differ by hypervisor; a menu only makes sense when every host takes the same ones.
    const templates = kinds.every((k) => k.kind === 'kvm')
      ? [...new Set(kinds.flatMap((k) => Object.keys(k.kvm.templates ?? {})))]
      : [];
    const view = createModal({
      hosts: hosts.map((h) => ({
        name: h.name,
        kind: config.hosts[h.name]?.kind ?? 'unknown',
        up: h.lastBeat !== undefined,
        ...(h.registration ? { free: allocation(h.registration, h.inventory).free } : {}),
      })),
      plans: config.plans,
      defaultPlan: config.create.plan,
      defaultTemplate: config.create.template,
      templates,
      channel: command.channel_id,
    });
    await app.client.views.open({ trigger_id: command.trigger_id, view: view as never });
  };

  app.view(CREATE_CALLBACK_ID, async ({ ack, body, view }) => {
    const fields = readCreateSubmission(view.state.values as never);
    const bad = checkCreateFields(fields);
    if (bad) return void (await ack({ response_action: 'errors', errors: bad }));
    const { channel } = privateMetadata(view);
    const user = body.user.id;
    const reply = await ctx.core.pipeline.dispatch({
      text: createCommandText(fields),
      user,
      usergroups: await ctx.groups.of(user),
      ...(channel ? { channel } : {}),
      origin: 'slack',
    });
    if (!reply.ok) {
      const errors = fieldErrors(
        { userMessage: reply.text, ...(reply.field ? { field: reply.field } : {}) },
        fields,
      );
      // An error about no field of the form still belongs on it, or the form would just close.
      return void (await ack({
        response_action: 'errors',
        errors: errors ?? { name: reply.text.slice(0, 300) },
      }));
    }
    await ack();
    if (reply.jobId && channel)
      await ctx.outbox.openJob({ requestId: reply.jobId, channel, user, payload: replyPayload(reply, '') });
  });

  const publishHome = async (client: WebClient, user: string) => {
    const names = Object.keys(config.hosts);
    const [views, recent] = await Promise.all([
      ctx.core.fleet.hosts(names),
      ctx.core.jobs.recent({ hosts: names, limit: 100 }),
    ]);
    const jobs = recent
      .filter((f) => f.job.data.request.user === user)
      .map(({ job, state, host }) => {
        const r = job.data.request;
        return {
          id: String(job.id),
          op: r.op,
          target: r.target.guestName ?? r.target.word ?? '',
          host,
          state,
          at: job.timestamp,
        };
      });
    const view = homeView({
      hosts: views.map((v) => ({
        view: v,
        kind: config.hosts[v.name]?.kind ?? 'unknown',
        group: config.hosts[v.name]?.group ?? 'default',
      })),
      jobs,
      user,
      now: Date.now(),
    });
    await client.views.publish({ user_id: user, view: view as never });
  };

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(client, event.user);
  });

  app.action(HOME_REFRESH_ACTION, async ({ ack, body, client }) => {
    await ack();
    await publishHome(client, body.user.id);
  });

  return openCreateModal;
}
