/**
 * A terminal chat session on the bot core: the prompt, plus the deployment's notifier serving it
 * (unless a bot already runs that notifier: then the terminal does not start a second one).
 */
import { catalogue } from '../../../jobs/index.js';
import type { BotCore } from '../../bot/core.js';
import { NotifierService } from '../../bot/notifier-service.js';
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
  // One notifier per deployment: where a bot already runs it, job updates and alerts are its to show.
  const elsewhere = await NotifierService.heldElsewhere(o.core.redis, o.core.keys);
  const notifier = elsewhere
    ? undefined
    : new NotifierService({
        config,
        redis: o.core.redis,
        keys: o.core.keys,
        catalogue,
        log: o.log,
        adapters: [chat],
      });
  await notifier?.start();
  const stopSweeper = o.core.startApprovalSweeper();
  try {
    o.onReady?.();
    if (elsewhere)
      chat.say(
        'A vpsops bot runs the notifier of this deployment: job updates and alerts show in its chat, not here. Commands work as usual.',
      );
    await chat.run();
  } finally {
    stopSweeper();
    await notifier?.close();
  }
}
