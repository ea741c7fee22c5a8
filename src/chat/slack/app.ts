/**
 * `vpsops bot` on Slack: a Bolt app (HTTP receiver on PORT at /slack/events, or Socket Mode when
 * SLACK_APP_TOKEN is set) whose listeners only parse, authorize, enqueue and ack, plus this
 * replica's notifier, which alone writes job messages to Slack.
 */
import { App, LogLevel } from '@slack/bolt';
import { catalogue } from '../../../jobs/index.js';
import type { BotCore } from '../../bot/core.js';
import { NotifierService } from '../../bot/notifier-service.js';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import { OpError } from '../../model/errors.js';
import type { SlackContext } from './context.js';
import { slackLogger } from './logger.js';
import { SlackAdapter } from './notify/adapter.js';
import { SlackOutbox } from './notify/outbox.js';
import { type SlackTransport, webTransport } from './notify/transport.js';
import { onActions } from './on-action.js';
import { onAlerts } from './on-alert.js';
import { onApprovals } from './on-approval.js';
import { onCommand } from './on-command.js';
import { onViews } from './on-view.js';
import { UserGroups } from './usergroups.js';

export interface SlackBot {
  app: App;
  /** The notifier (whichever replica holds its lease runs it). */
  notifier: NotifierService;
  /** The Slack side of the notifier: the outbox's sink and its flusher. */
  adapter: SlackAdapter;
  outbox: SlackOutbox;
  /** Where Slack should post (HTTP mode), e.g. http://0.0.0.0:3000/slack/events. */
  mode: 'http' | 'socket';
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The Slack settings `vpsops bot` needs, or one sentence saying which variable is missing. */
export function slackSecrets(config: Config): { token: string; signingSecret?: string; appToken?: string } {
  const { slackBotToken: token, slackSigningSecret: signingSecret, slackAppToken: appToken } = config.secrets;
  if (!token)
    throw new OpError('CONFIG', 'SLACK_BOT_TOKEN is not set.', {
      hint: 'Copy the Bot User OAuth Token (xoxb-…) from your app\'s "OAuth & Permissions" page; or run `vpsops bot --terminal`.',
    });
  if (!appToken && !signingSecret)
    throw new OpError(
      'CONFIG',
      'SLACK_SIGNING_SECRET is not set (it is needed unless SLACK_APP_TOKEN turns on Socket Mode).',
      {
        hint: 'Copy the Signing Secret from your app\'s "Basic Information" page.',
      },
    );
  if (appToken && !appToken.startsWith('xapp-'))
    throw new OpError(
      'CONFIG',
      'SLACK_APP_TOKEN must be an app-level token (xapp-…) with connections:write.',
    );
  return { token, ...(signingSecret ? { signingSecret } : {}), ...(appToken ? { appToken } : {}) };
}

export function createSlackBot(core: BotCore, log: Logger, transport?: SlackTransport): SlackBot {
  const { config } = core;
  const { token, signingSecret, appToken } = slackSecrets(config);
  const apiUrl = config.slack.apiUrl;
  const app = new App({
    token,
    ...(appToken ? { socketMode: true, appToken } : { signingSecret: signingSecret! }),
    ...(apiUrl ? { clientOptions: { slackApiUrl: apiUrl } } : {}),
    logger: slackLogger(log),
    logLevel: LogLevel.INFO,
    // auth.test runs in start(), where a bad token becomes one clear sentence.
    deferInitialization: true,
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('ok');
        },
      },
    ],
  });
  const outbox = new SlackOutbox(core.redis, core.keys, config.slack.updateInterval);
  const adapter = new SlackAdapter({
    config,
    keys: core.keys,
    outbox,
    transport: transport ?? webTransport({ token, log, ...(apiUrl ? { apiUrl } : {}) }),
    log,
    audit: core.audit,
  });
  const notifier = new NotifierService({
    config,
    redis: core.redis,
    keys: core.keys,
    catalogue,
    log,
    adapters: [adapter],
  });
  const ctx: SlackContext = { core, outbox, log, groups: new UserGroups(app.client, log) };
  const openCreateModal = onViews(app, ctx);
  onCommand(app, ctx, openCreateModal);
  onActions(app, ctx);
  onApprovals(app, ctx);
  onAlerts(app, ctx);
  app.error(async (err) => {
    log.error({ err }, 'slack listener failed');
  });
  const mode = appToken ? 'socket' : 'http';
  let stopSweeper: (() => void) | undefined;
  return {
    app,
    notifier,
    adapter,
    outbox,
    mode,
    async start() {
      try {
        await app.init();
      } catch (err) {
        throw new OpError('CONFIG', `Slack refused SLACK_BOT_TOKEN (${slackError(err)}).`, {
          hint: 'Check the token on your app\'s "OAuth & Permissions" page (reinstall the app after changing scopes); `vpsops doctor` checks it too.',
          cause: err,
        });
      }
      adapter.workspaceUrl = await app.client.auth
        .test()
        .then((r) => r.url)
        .catch(() => undefined);
      await adapter.start();
      await notifier.start();
      // Every replica sweeps: deciding an expiry is atomic, so only one of them reports it.
      stopSweeper = core.startApprovalSweeper();
      await (mode === 'http' ? app.start(config.slack.port) : app.start());
    },
    async stop() {
      stopSweeper?.();
      await app.stop().catch(() => {});
      await notifier.close();
      await adapter.close();
    },
  };
}

function slackError(err: unknown): string {
  const data = (err as { data?: { error?: string } }).data;
  return data?.error ?? (err instanceof Error ? err.message : String(err));
}
