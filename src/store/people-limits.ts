/**
 * Rate limits on people: how many commands a person, and a channel, may send per window, with
 * their own (looser) limits for reads and for approvals. Counted in Redis, so every bot replica
 * sees the same counts. Over the limit: "slow down: try again in N s", and nothing runs.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import { OpError } from '../model/errors.js';
import { auditWriteError } from './audit.js';
import type { Keys } from './keys.js';
import { scripts } from './scripts.js';

export type { LimitBucket as LimitKind } from '../ops/operation.js';

import type { LimitBucket as LimitKind } from '../ops/operation.js';

/** A command as it was counted: which bucket, whose, in which window. */
export interface Ticket {
  kind: LimitKind;
  user: string;
  channel?: string;
  slot: number;
}

export class PeopleLimits {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly cfg: Config['rateLimits'],
    private readonly now: () => number = Date.now,
  ) {}

  /** Which counters a command goes to: its bucket, its person and channel, the current window. */
  ticket(kind: LimitKind, user: string, channel: string | undefined): Ticket {
    const slot = Math.floor(this.now() / this.cfg[kind].window);
    return { kind, user, slot, ...(channel ? { channel } : {}) };
  }

  /**
   * Counts the command and appends its audit entry (`fields`, as AuditLog writes them) if its person
   * and channel are within their limits, in one round trip. Throws RATE_LIMITED (nothing appended)
   * or the audit sentence when Redis fails.
   */
  async appendWithin(t: Ticket, fields: string[]): Promise<void> {
    const { perUser, perChannel, window } = this.cfg[t.kind];
    let res: [number, number, number];
    try {
      res = await scripts.rateLimitAudit(
        this.redis,
        [...this.counters(t), this.keys.audit],
        { perUser, perChannel, window, countChannel: t.channel !== undefined },
        fields,
      );
    } catch (err) {
      throw auditWriteError(err);
    }
    this.check(t.kind, t.slot, res[1], res[2], t.channel);
  }

  private counters(t: Ticket): [string, string] {
    return [
      this.keys.rateLimit(t.kind, 'u', t.user, t.slot),
      this.keys.rateLimit(t.kind, 'c', t.channel ?? '-', t.slot),
    ];
  }

  private check(kind: LimitKind, slot: number, userCount: number, chanCount: number, channel?: string): void {
    const { perUser, perChannel, window } = this.cfg[kind];
    const over = userCount > perUser ? 'you' : channel && chanCount > perChannel ? 'this channel' : undefined;
    if (!over) return;
    const waitS = Math.max(1, Math.ceil(((slot + 1) * window - this.now()) / 1000));
    const what = kind === 'reads' ? 'reads' : kind === 'approvals' ? 'approval decisions' : 'commands';
    throw new OpError('RATE_LIMITED', `Slow down: try again in ${waitS} s.`, {
      hint: `${over === 'you' ? `You sent more than ${perUser}` : `This channel sent more than ${perChannel}`} ${what} in ${Math.round(window / 1000)} s (rateLimits.${kind} in the config).`,
      retryable: true,
    });
  }
}
