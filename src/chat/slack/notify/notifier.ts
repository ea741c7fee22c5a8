/**
 * The notifier of a Slack bot replica: competes for the notifier lease; while it holds it, it
 * consumes the notify queue into the outbox (SlackSink) and writes the outbox to Slack (flusher).
 * Listeners on any replica add work to the outbox and wake the holder over pub/sub.
 */
import type { Redis } from 'ioredis';
import { claimDigest, digestOf } from '../../../bot/alerts/digest.js';
import { AlertManager } from '../../../bot/alerts/manager.js';
import { Notifier } from '../../../bot/notifier.js';
import type { Config } from '../../../config/schema.js';
import type { Logger } from '../../../log.js';
import type { AuditSink } from '../../../model/audit.js';
import { REQUEST_ID_RE } from '../../../model/request.js';
import type { OperationDef } from '../../../ops/operation.js';
import { AlertStore } from '../../../store/alerts.js';
import { connect } from '../../../store/connection.js';
import { FleetStore } from '../../../store/fleet.js';
import type { Keys } from '../../../store/keys.js';
import { LeaderLease } from '../../../store/leader.js';
import { digestBlocks } from '../../view/digest.js';
import { SlackBudget } from './budget.js';
import { SlackFlusher } from './flusher.js';
import type { SlackOutbox } from './outbox.js';
import { SlackSink } from './sink.js';
import type { SlackTransport } from './transport.js';

export interface SlackNotifierOptions {
  config: Config;
  redis: Redis;
  keys: Keys;
  outbox: SlackOutbox;
  transport: SlackTransport;
  catalogue: ReadonlyMap<string, OperationDef>;
  log: Logger;
  audit?: AuditSink;
}

export class SlackNotifier {
  readonly flusher: SlackFlusher;
  private readonly lease: LeaderLease;
  private notifier: Notifier | undefined;
  private sub: Redis | undefined;
  private alerts: AlertManager | undefined;
  private digestTimer: NodeJS.Timeout | undefined;
  /** The workspace's URL (from auth.test), for permalinks in the audit trail. */
  workspaceUrl: string | undefined;

  constructor(private readonly o: SlackNotifierOptions) {
    const log = o.log.child({ component: 'notifier' });
    this.flusher = new SlackFlusher({
      outbox: o.outbox,
      transport: o.transport,
      budget: new SlackBudget(o.config.slack),
      log,
      onPosted: async (requestId, channel, ts) => {
        // Only jobs have permalinks in the audit trail: approval cards and alerts have other keys.
        if (!o.audit || !this.workspaceUrl || !REQUEST_ID_RE.test(requestId)) return;
        const permalink = `${this.workspaceUrl.replace(/\/$/, '')}/archives/${channel}/p${ts.replace('.', '')}`;
        await o.audit.append({ type: 'message', at: Date.now(), requestId, channel, permalink });
      },
    });
    this.lease = new LeaderLease(
      o.redis,
      o.keys.notifierLeader,
      o.config.slack.leaderTtl,
      { gained: () => this.lead(), lost: () => this.follow() },
      log,
    );
  }

  get isLeader(): boolean {
    return this.lease.isLeader;
  }

  async start(): Promise<void> {
    this.sub = connect({ url: this.o.config.redis.url, blocking: true, log: this.o.log });
    this.sub.on('message', () => this.flusher.wake());
    await this.sub.subscribe(this.o.keys.slackWake);
    await this.lease.start();
  }

  private async lead(): Promise<void> {
    const sink = new SlackSink(this.o.outbox, this.o.config, () => this.flusher.wake());
    // The leader alone watches for alerts, so each alert is decided and posted once.
    this.alerts = new AlertManager({
      store: new AlertStore(this.o.redis, this.o.keys),
      fleet: new FleetStore(this.o.redis, this.o.keys),
      config: this.o.config,
      log: this.o.log.child({ component: 'alerts' }),
      emit: (e) => sink.alert(e),
    });
    this.alerts.start();
    this.digestTimer = setInterval(() => void this.digest(), 60_000);
    this.notifier = new Notifier({
      redisUrl: this.o.config.redis.url,
      prefix: this.o.keys.prefix,
      catalogue: this.o.catalogue,
      sink,
      log: this.o.log,
      alerts: this.alerts,
    });
    this.notifier.start();
    this.flusher.start();
  }

  private async follow(): Promise<void> {
    const n = this.notifier;
    this.notifier = undefined;
    this.alerts?.stop();
    this.alerts = undefined;
    if (this.digestTimer) clearInterval(this.digestTimer);
    await Promise.all([n?.close(), this.flusher.stop()]);
  }

  /** The daily digest, once a day across replicas, when a channel is configured. */
  async digest(now = Date.now()): Promise<void> {
    const { channel, at } = this.o.config.alerts.digest;
    try {
      if (!channel || !(await claimDigest(this.o.redis, this.o.keys, at, now))) return;
      const blocks = digestBlocks(
        await digestOf({
          config: this.o.config,
          fleet: new FleetStore(this.o.redis, this.o.keys),
          store: new AlertStore(this.o.redis, this.o.keys),
          now,
        }),
      );
      await this.o.outbox.send(
        { kind: 'post', channel, payload: { text: 'vpsops daily digest', blocks } },
        'lo',
      );
    } catch (err) {
      this.o.log.error({ err }, 'daily digest failed');
    }
  }

  async close(): Promise<void> {
    await this.lease.stop();
    this.sub?.disconnect();
  }
}
