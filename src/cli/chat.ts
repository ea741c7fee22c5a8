/** `vpsops demo` and `vpsops bot`: the terminal chat, with or without a private fleet. */
import { pino } from 'pino';
import { createBotCore } from '../bot/core.js';
import { createSlackBot } from '../chat/slack/app.js';
import { runTerminalSession } from '../chat/terminal/session.js';
import { processEnv } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { checkJobKey } from '../model/signing.js';
import { fail, requireRedis, setup } from './common.js';
import { runDemo } from './demo/index.js';

/** `vpsops demo`: a private fleet and the terminal chat, until /quit or Ctrl-C. */
export async function demoMain(o: { user: string; dir?: string }): Promise<void> {
  try {
    const tty = Boolean(process.stdout.isTTY && process.stdin.isTTY);
    await runDemo({
      user: o.user,
      input: process.stdin,
      output: process.stdout,
      tty,
      env: processEnv(),
      ...(o.dir ? { dir: o.dir } : {}),
    });
    process.exit(0);
  } catch (err) {
    fail(err);
  }
}

/** The job key is checked first, so a missing key says so even when Redis is down too. */
async function ready(config: Config): Promise<void> {
  checkJobKey(config.secrets.jobKey);
  await requireRedis(config.redis.url);
}

/** `vpsops bot`: the Slack bot, or with `terminal` the terminal chat on the configured fleet. */
export async function botMain(o: { user?: string; terminal: boolean }): Promise<void> {
  if (!o.terminal) return slackMain();
  // stdout is the chat; logs go to stderr.
  const { config, log } = setup({}, pino.destination(2));
  await ready(config);
  const core = createBotCore(config, log);
  const user = o.user ?? processEnv().USER ?? 'operator';
  await runTerminalSession({
    core,
    log,
    user,
    input: process.stdin,
    output: process.stdout,
    tty: Boolean(process.stdout.isTTY),
  });
  await core.close();
  process.exit(0);
}

/** The Slack bot until SIGTERM or SIGINT, which let the notifier hand over to another replica. */
async function slackMain(): Promise<void> {
  const { config, log } = setup({});
  try {
    await ready(config);
    const core = createBotCore(config, log);
    const bot = createSlackBot(core, log);
    await bot.start();
    log.info(
      bot.mode === 'http' ? { port: config.slack.port, endpoint: '/slack/events' } : { mode: 'socket' },
      'vpsops bot is listening to Slack',
    );
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      log.info('stopping');
      await bot.stop();
      await core.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop());
    process.on('SIGINT', () => void stop());
  } catch (err) {
    fail(err);
  }
}
