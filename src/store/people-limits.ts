/**
 * Rate limits on people: how many commands a person, and a channel, may send per window, with
 * their own (looser) limits for reads and for approvals. Counted in Redis, so every bot replica
 * sees the same counts. Over the limit: "slow down: try again in N s", and nothing runs.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import { OpError } from '../model/errors.js';
import type { Keys } from './keys.js';

export type { LimitBucket as LimitKind } from '../ops/operation.js';

import type { LimitBucket as LimitKind } from '../ops/operation.js';

// Counts the command for the person and, when it came from a channel, for the channel. The count
// comes first on the command's path, so refusals count too.
const TAKE = `
local u = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local c = 0
if ARGV[2] == '1' then
  c = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return {u, c}`;

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
      res = (await this.redis.eval(
        TAKE,
        2,
        this.keys.rateLimit(kind, 'u', user, slot),
        this.keys.rateLimit(kind, 'c', channel ?? '-', slot),
        String(window),
        channel ? '1' : '0',
      )) as [number, number];
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
