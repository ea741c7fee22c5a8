/** `vpsops doctor`'s Slack checks: the bot token through auth.test, the Socket Mode token, the secret. */
import { WebClient } from '@slack/web-api';
import { classify } from '../chat/slack/notify/transport.js';
import type { Config } from '../config/schema.js';

type Add = (level: 'ok' | 'warn' | 'fail', what: string, fix?: string) => void;

const TOKEN_FIX: Record<string, string> = {
  invalid_auth: 'the token is wrong: copy the Bot User OAuth Token (xoxb-…) from "OAuth & Permissions"',
  not_authed: 'no token reached Slack: export SLACK_BOT_TOKEN',
  token_revoked: 'the token was revoked: reinstall the app to the workspace and copy the new token',
  account_inactive: 'the app or its workspace is disabled: reinstall the app',
  not_allowed_token_type:
    'this is not a bot token: use the xoxb- token, not a user (xoxp-) or app (xapp-) token',
};

export async function checkSlack(config: Config, add: Add): Promise<void> {
  const { slackBotToken: token, slackSigningSecret: secret, slackAppToken: appToken } = config.secrets;
  if (!token) {
    add(
      'warn',
      'Slack: SLACK_BOT_TOKEN is not set, so vpsops bot cannot talk to Slack',
      'see "Connect Slack" in the README, or use vpsops bot --terminal',
    );
    return;
  }
  const opts = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
  try {
    const r = await new WebClient(token, opts).auth.test();
    add('ok', `Slack token works: bot @${r.user} in workspace ${r.team} (${r.url})`);
  } catch (err) {
    const e = classify(err);
    if (e.kind === 'platform')
      add(
        'fail',
        `Slack refused SLACK_BOT_TOKEN: ${e.error}`,
        TOKEN_FIX[e.error] ?? 'check the token on the app\'s "OAuth & Permissions" page',
      );
    else
      add(
        'fail',
        `Slack did not answer auth.test (${e.error})`,
        `check that this machine reaches ${config.slack.apiUrl ?? 'https://slack.com/api/'}`,
      );
  }
  if (appToken) {
    try {
      await new WebClient(appToken, opts).apps.connections.open();
      add('ok', 'SLACK_APP_TOKEN opens a Socket Mode connection');
    } catch (err) {
      add(
        'fail',
        `SLACK_APP_TOKEN does not open Socket Mode: ${classify(err).error}`,
        'create an app-level token with the connections:write scope under "Basic Information" and enable Socket Mode',
      );
    }
  } else if (!secret) {
    add(
      'fail',
      'SLACK_SIGNING_SECRET is not set: Slack requests cannot be verified',
      'copy the Signing Secret from "Basic Information", or set SLACK_APP_TOKEN for Socket Mode',
    );
  } else {
    add(
      'ok',
      `SLACK_SIGNING_SECRET is set; Slack must reach this bot at http(s)://<host>:${config.slack.port}/slack/events`,
    );
  }
}
