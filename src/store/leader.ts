/**
 * One notifier among several bot replicas: a lease in Redis (SET NX PX, renewed by its holder).
 * The holder consumes the notify queue and writes to Slack; when it dies, another replica takes
 * the lease within its time to live and carries on from the outbox.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { scripts } from './scripts.js';

export interface LeaseEvents {
  /** This replica now holds the lease. */
  gained(): Promise<void>;
  /** It lost it (or is stopping): stop writing at once. */
  lost(): Promise<void>;
}

export class LeaderLease {
  readonly id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs: number,
    private readonly events: LeaseEvents,
    private readonly log: Logger,
  ) {}

  get isLeader(): boolean {
    return this.held;
  }

  /** Starts competing for the lease; resolves after the first attempt. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.ttlMs / 3)));
  }

  private tick(): Promise<void> {
    this.busy = this.busy.then(async () => {
      try {
        const ok = this.held
          ? await scripts.leaseRenew(this.redis, this.key, this.id, this.ttlMs)
          : (await this.redis.set(this.key, this.id, 'PX', this.ttlMs, 'NX')) === 'OK';
        if (ok && !this.held) {
          this.held = true;
          this.log.info({ replica: this.id }, 'this replica now runs the notifier');
          await this.events.gained();
        } else if (!ok && this.held) {
          this.held = false;
          this.log.warn({ replica: this.id }, 'notifier lease lost; another replica took over');
          await this.events.lost();
        }
      } catch (err) {
        this.log.error({ err }, 'notifier lease check failed');
      }
    });
    return this.busy;
  }

  /** Stops competing and hands the lease over at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
    if (this.held) {
      this.held = false;
      await this.events.lost();
      await scripts.leaseRelease(this.redis, this.key, this.id).catch(() => false);
    }
  }
}
