/** A terminal chat session on the bot core: the prompt plus the notifier that feeds it updates. */
import { catalogue } from '../../../jobs/index.js';
import { AlertManager } from '../../bot/alerts/manager.js';
import type { BotCore } from '../../bot/core.js';
import { Notifier } from '../../bot/notifier.js';
import type { Logger } from '../../log.js';
import { type ExtraCommand, TerminalChat } from './terminal.js';

export interface SessionOptions {
  core: BotCore;
  log: Logger;
  user: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  tty: boolean;
  extra?: Record<string, { help: string; run: ExtraCommand }>;
  /** Called once the notifier is listening, before the prompt appears. */
  onReady?: () => void;
}

/** Runs until the user leaves (/quit, Ctrl-C, end of input); the notifier is closed on the way out. */
export async function runTerminalSession(o: SessionOptions): Promise<void> {
  const { config } = o.core;
  const chat = new TerminalChat({
    input: o.input,
    output: o.output,
    pipeline: o.core.pipeline,
    user: o.user,
    tty: o.tty,
    ...(o.extra ? { extra: o.extra } : {}),
  });
  const alerts = new AlertManager({
    store: o.core.alerts,
    fleet: o.core.fleet,
    config,
    log: o.log.child({ component: 'alerts' }),
    emit: (e) => chat.alert(e),
  });
  alerts.start();
  const notifier = new Notifier({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    catalogue,
    sink: chat,
    log: o.log,
    alerts,
  });
  notifier.start();
  const stopSweeper = o.core.startApprovalSweeper();
  try {
    o.onReady?.();
    await chat.run();
  } finally {
    stopSweeper();
    alerts.stop();
    await notifier.close();
  }
}
