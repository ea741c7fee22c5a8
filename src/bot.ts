/**
 * The bot's side of the pipeline, shared by every chat adapter and `vpsops exec`: Redis, the
 * fleet store, the host queues, the notify publisher and the dispatcher.
 */
import type { Redis } from 'ioredis';
import { catalogue } from '../jobs/index.js';
import type { Config } from './config/schema.js';
import { type Authorizer, allowAll, Dispatcher } from './core/dispatcher.js';
import { checkJobKey } from './core/signing.js';
import type { Logger } from './log.js';
import { connect } from './queue/connection.js';
import { FleetStore } from './queue/fleet.js';
import { InventoryCache } from './queue/inventory-cache.js';
import { JobStore } from './queue/jobs.js';
import { Keys } from './queue/keys.js';
import { NotifyPublisher } from './queue/notify.js';

export interface BotCore {
  config: Config;
  redis: Redis;
  keys: Keys;
  fleet: FleetStore;
  jobs: JobStore;
  notify: NotifyPublisher;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

export function createBotCore(config: Config, log: Logger, authorize: Authorizer = allowAll): BotCore {
  const jobKey = checkJobKey(config.secrets.jobKey);
  const redis = connect({ url: config.redis.url, log });
  const keys = new Keys(config.redis.prefix);
  const fleet = new FleetStore(redis, keys);
  const notify = new NotifyPublisher(redis, keys.prefix);
  const jobs = new JobStore(redis, keys, config, notify);
  const sub = connect({ url: config.redis.url, blocking: true, log });
  const guestIndex = new InventoryCache(fleet, sub, keys);
  const dispatcher = new Dispatcher({ config, catalogue, fleet, guestIndex, jobs, jobKey, log, authorize });
  return {
    config,
    redis,
    keys,
    fleet,
    jobs,
    notify,
    dispatcher,
    async close() {
      sub.disconnect();
      await jobs.close();
      await notify.close();
      await redis.quit().catch(() => {});
    },
  };
}
