/**
 * The bot's side of the pipeline, shared by every chat adapter and `vpsops exec`: Redis, the
 * fleet store, the host queues, the notify publisher, the access policy, the audit trail, the
 * approval requests and the request pipeline.
 */
import type { Redis } from 'ioredis';
import { catalogue as defaultCatalogue } from '../../jobs/index.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { checkJobKey } from '../model/signing.js';
import type { OperationDef } from '../ops/operation.js';
import { AlertStore } from '../store/alerts.js';
import { ApprovalStore } from '../store/approvals.js';
import { AuditLog } from '../store/audit.js';
import { connect } from '../store/connection.js';
import { FleetStore } from '../store/fleet.js';
import { InventoryCache } from '../store/inventory-cache.js';
import { JobStore } from '../store/jobs.js';
import { Keys } from '../store/keys.js';
import { NotifyPublisher } from '../store/notify.js';
import { PeopleLimits } from '../store/people-limits.js';
import type { ApprovalFlow } from './approvals.js';
import { createPipeline } from './pipeline/create.js';
import type { Pipeline } from './pipeline/pipeline.js';
import { type LoadedPolicy, loadAccessPolicy } from './policy/file.js';

export interface BotCore {
  config: Config;
  redis: Redis;
  keys: Keys;
  fleet: FleetStore;
  jobs: JobStore;
  notify: NotifyPublisher;
  audit: AuditLog;
  alerts: AlertStore;
  policy: LoadedPolicy;
  /** Every request goes through it: typed commands, buttons, forms, exec, approvals. */
  pipeline: Pipeline;
  approvals: ApprovalFlow;
  /** Expires approval requests on a timer (run by one process: the notifier or the terminal). */
  startApprovalSweeper(intervalMs?: number): () => void;
  close(): Promise<void>;
}

export function createBotCore(
  config: Config,
  log: Logger,
  catalogue: ReadonlyMap<string, OperationDef> = defaultCatalogue,
): BotCore {
  const jobKey = checkJobKey(config.secrets.jobKey);
  const policy = loadAccessPolicy(config, new Set(catalogue.keys()));
  if (policy.source === 'none')
    log.warn('no access policy is configured (VPSOPS_POLICY): every command but help is refused');
  const redis = connect({ url: config.redis.url, log });
  const keys = new Keys(config.redis.prefix);
  const fleet = new FleetStore(redis, keys);
  const notify = new NotifyPublisher(redis, keys.prefix);
  const jobs = new JobStore(redis, keys, config, notify);
  const audit = new AuditLog(redis, keys);
  const alerts = new AlertStore(redis, keys);
  const sub = connect({ url: config.redis.url, blocking: true, log });
  const guestIndex = new InventoryCache(fleet, sub, keys);
  const { pipeline, approvals } = createPipeline({
    config,
    catalogue,
    fleet,
    guestIndex,
    jobs,
    jobKey,
    log,
    access: policy.policy,
    audit,
    approvals: new ApprovalStore(redis, keys),
    notify,
    limits: new PeopleLimits(redis, keys, config.rateLimits),
    alerts,
  });
  const sweepers = new Set<NodeJS.Timeout>();
  return {
    config,
    redis,
    keys,
    fleet,
    jobs,
    notify,
    audit,
    alerts,
    policy,
    pipeline,
    approvals,
    startApprovalSweeper(intervalMs = 5_000) {
      const t = setInterval(() => {
        approvals.sweep().catch((err) => log.error({ err }, 'approval sweep failed'));
      }, intervalMs);
      sweepers.add(t);
      return () => {
        clearInterval(t);
        sweepers.delete(t);
      };
    },
    async close() {
      for (const t of sweepers) clearInterval(t);
      sub.disconnect();
      await jobs.close();
      await notify.close();
      await redis.quit().catch(() => {});
    },
  };
}
