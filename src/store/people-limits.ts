/**
 * Rate limits on people: how many commands a person, and a channel, may send per window, with
 * their own (looser) limits for reads and for approvals. Counted in Redis, so every bot replica
 * sees the same counts. Over the limit: "slow down: try again in N s", and nothing runs.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import { OpError } from '../model/errors.js';
import type { Keys } from './keys.js';
import { scripts } from './scripts.js';

export type { LimitBucket as LimitKind } from '../ops/operation.js';

import type { LimitBucket as LimitKind } from '../ops/operation.js';

export class PeopleLimits {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly cfg: Config['rateLimits'],
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one command against the person's and the channel's limit for its bucket. Throws
   * RATE_LIMITED when either is over, and a clear sentence when Redis cannot count.
   */
  async take(kind: LimitKind, user: string, channel: string | undefined): Promise<void> {
    const { window } = this.cfg[kind];
    const slot = Math.floor(this.now() / window);
    let res: [number, number];
    try {
      // One round trip counts both, and a refused command counts too (scripts/rate-limit-take.lua).
      res = await scripts.rateLimitTake(
        this.redis,
        [this.keys.rateLimit(kind, 'u', user, slot), this.keys.rateLimit(kind, 'c', channel ?? '-', slot)],
        window,
        Boolean(channel),
      );
    } catch (err) {
      throw new OpError('INTERNAL', 'Could not count the command against the rate limits (is Redis up?).', {
        cause: err,
        retryable: true,
      });
    }
    this.check(kind, slot, res[0], res[1], channel);
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
