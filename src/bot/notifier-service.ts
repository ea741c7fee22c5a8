/**
 * The one notifier of a deployment: whichever bot process holds the lease consumes the notify
 * queue, runs the alert manager and the daily digest, and serves every chat adapter of its
 * process. Another process takes over within the lease's time to live when it stops or dies.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { OperationDef } from '../ops/operation.js';
import { AlertStore } from '../store/alerts.js';
import { FleetStore } from '../store/fleet.js';
import type { Keys } from '../store/keys.js';
import { LeaderLease } from '../store/leader.js';
import { type ChatAdapter, fanOut } from './adapter.js';
import { claimDigest, digestOf } from './alerts/digest.js';
import { AlertManager } from './alerts/manager.js';
import { Notifier } from './notifier.js';

export interface NotifierServiceOptions {
  config: Config;
  redis: Redis;
  keys: Keys;
  catalogue: ReadonlyMap<string, OperationDef>;
  log: Logger;
  adapters: ChatAdapter[];
}

export class NotifierService {
  private readonly lease: LeaderLease;
  private notifier: Notifier | undefined;
  private alerts: AlertManager | undefined;
  private digestTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: NotifierServiceOptions) {
    this.lease = new LeaderLease(
      o.redis,
      o.keys.notifierLeader,
      o.config.slack.leaderTtl,
      { gained: () => this.lead(), lost: () => this.follow() },
      o.log.child({ component: 'notifier' }),
    );
  }

  /** Whether another process holds the notifier lease right now. */
  static async heldElsewhere(redis: Redis, keys: Keys): Promise<boolean> {
    return (await redis.exists(keys.notifierLeader)) === 1;
  }

  get isLeader(): boolean {
    return this.lease.isLeader;
  }

  /** Competes for the lease; resolves after the first attempt. */
  start(): Promise<void> {
    return this.lease.start();
  }

  /** Hands the lease over at once. */
  close(): Promise<void> {
    return this.lease.stop();
  }

  private async lead(): Promise<void> {
    const sink = fanOut(this.o.adapters);
    const { config, redis, keys } = this.o;
    // The leader alone watches for alerts, so each alert is decided and posted once.
    this.alerts = new AlertManager({
      store: new AlertStore(redis, keys),
      fleet: new FleetStore(redis, keys),
      config,
      log: this.o.log.child({ component: 'alerts' }),
      emit: (e) => sink.alert(e),
    });
    this.alerts.start();
    if (this.o.adapters.some((a) => a.digest))
      this.digestTimer = setInterval(() => void this.digest(), 60_000);
    this.notifier = new Notifier({
      redisUrl: config.redis.url,
      prefix: keys.prefix,
      catalogue: this.o.catalogue,
      sink,
      log: this.o.log,
      alerts: this.alerts,
    });
    this.notifier.start();
    for (const a of this.o.adapters) await a.lead?.();
  }

  private async follow(): Promise<void> {
    const n = this.notifier;
    this.notifier = undefined;
    this.alerts?.stop();
    this.alerts = undefined;
    if (this.digestTimer) clearInterval(this.digestTimer);
    await Promise.all([n?.close(), ...this.o.adapters.map((a) => a.follow?.())]);
  }

  /** The daily digest, once a day across replicas, when a channel is configured. */
  async digest(now = Date.now()): Promise<void> {
    const { config, redis, keys } = this.o;
    const { channel, at } = config.alerts.digest;
    try {
      if (!channel || !(await claimDigest(redis, keys, at, now))) return;
      const fleet = new FleetStore(redis, keys);
      const d = await digestOf({ config, fleet, store: new AlertStore(redis, keys), now });
      await fanOut(this.o.adapters).digest?.(d);
    } catch (err) {
      this.o.log.error({ err }, 'daily digest failed');
    }
  }
}
