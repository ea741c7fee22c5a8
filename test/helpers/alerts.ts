/**
 * Alerts on a test pipeline: an AlertManager fed by its own notifier (the pipeline's recording
 * sink still gets job notices), with every alert event it emits kept in order, and every decision
 * it kept out of chat (a repeat, a muted alert) as the positive control of a test that expects
 * nothing to be shown.
 */
import { catalogue } from '../../jobs/index.js';
import { type AlertEvent, AlertManager } from '../../src/bot/alerts/manager.js';
import { Notifier } from '../../src/bot/notifier.js';
import { createLogger } from '../../src/log.js';
import { captureLog, type Pipeline, waitUntil } from './pipeline.js';

/** A decision the manager did not hand to chat, and why ('unchanged', 'silenced', …). */
export interface QuietDecision {
  fingerprint: string;
  action: string;
  why: string;
}

export interface AlertWatch {
  manager: AlertManager;
  events: AlertEvent[];
  /** The events of one alert, oldest first. */
  about(fp: string): AlertEvent[];
  /** The first event of `fp` that `ok` accepts; fails listing every event so far. */
  waitEvent(fp: string, ok: (e: AlertEvent) => boolean, what: string): Promise<AlertEvent>;
  /** The decisions about `fp` that were kept out of chat, oldest first. */
  quiet(fp: string): QuietDecision[];
  /**
   * Waits until the manager has finished with a decision about `fp` that it kept out of chat for
   * `why`, and returns how many such decisions there are: proof that what a test expects to show
   * nothing was seen and handled.
   */
  waitQuiet(fp: string, why: string, what: string, atLeast?: number): Promise<number>;
  close(): Promise<void>;
}

/** Start it on a pipeline started with `notifier: false`; `now` moves the manager's clock. */
export function watchAlerts(p: Pipeline, o: { now?: () => number } = {}): AlertWatch {
  const events: AlertEvent[] = [];
  // The manager logs each decision it keeps out of chat at debug level, once it is done with it.
  const log = captureLog('debug');
  const manager = new AlertManager({
    store: p.core.alerts,
    fleet: p.core.fleet,
    config: p.config,
    log: log.logger,
    emit: async (e) => {
      events.push(e);
    },
    ...(o.now ? { now: o.now } : {}),
  });
  const notifier = new Notifier({
    redisUrl: p.config.redis.url,
    prefix: p.config.redis.prefix,
    catalogue,
    sink: p.sink,
    log: createLogger('error'),
    alerts: manager,
  });
  notifier.start();
  const about = (fp: string) => events.filter((e) => e.state.fingerprint === fp);
  const quiet = (fp: string) =>
    log.entries
      .filter((l) => l.msg === 'alert change not shown' && l.fingerprint === fp)
      .map((l) => ({ fingerprint: fp, action: String(l.action), why: String(l.why) }));
  return {
    manager,
    events,
    about,
    quiet,
    waitQuiet: (fp, why, what, atLeast = 1) =>
      waitUntil(
        () => {
          const n = quiet(fp).filter((d) => d.why === why).length;
          return n >= atLeast ? n : undefined;
        },
        10_000,
        what,
      ).catch((err) => {
        const seen = log.entries
          .filter((l) => l.msg === 'alert change not shown')
          .map((l) => `${l.fingerprint} ${l.why}`);
        throw new Error(`${err}; kept out of chat: ${seen.join(', ') || 'nothing'}`);
      }),
    waitEvent: (fp, ok, what) =>
      waitUntil(() => about(fp).find(ok), 10_000, what).catch((err) => {
        const seen = events.map((e) => `${e.state.fingerprint} ${e.state.status} ${e.state.count}`);
        throw new Error(`${err}; events: ${seen.join(', ')}`);
      }),
    close: () => notifier.close(),
  };
}
