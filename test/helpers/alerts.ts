/**
 * Alerts on a test pipeline: an AlertManager fed by its own notifier (the pipeline's recording
 * sink still gets job notices), with every alert event it emits kept in order.
 */
import { catalogue } from '../../jobs/index.js';
import { type AlertEvent, AlertManager } from '../../src/alerts/manager.js';
import { createLogger } from '../../src/log.js';
import { Notifier } from '../../src/notify/notifier.js';
import { captureLog, type Pipeline, waitUntil } from './pipeline.js';

export interface AlertWatch {
  manager: AlertManager;
  events: AlertEvent[];
  /** The events of one alert, oldest first. */
  about(fp: string): AlertEvent[];
  /** The first event of `fp` that `ok` accepts; fails listing every event so far. */
  waitEvent(fp: string, ok: (e: AlertEvent) => boolean, what: string): Promise<AlertEvent>;
  close(): Promise<void>;
}

/** Start it on a pipeline started with `notifier: false`; `now` moves the manager's clock. */
export function watchAlerts(p: Pipeline, o: { now?: () => number } = {}): AlertWatch {
  const events: AlertEvent[] = [];
  const manager = new AlertManager({
    store: p.core.alerts,
    fleet: p.core.fleet,
    config: p.config,
    log: captureLog('silent').logger,
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
  return {
    manager,
    events,
    about,
    waitEvent: (fp, ok, what) =>
      waitUntil(() => about(fp).find(ok), 10_000, what).catch((err) => {
        const seen = events.map((e) => `${e.state.fingerprint} ${e.state.status} ${e.state.count}`);
        throw new Error(`${err}; events: ${seen.join(', ')}`);
      }),
    close: () => notifier.close(),
  };
}
