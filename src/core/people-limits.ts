/**
 * Rate limits on people: how many commands a person, and a channel, may send per window, with
 * their own (looser) limits for reads and for approvals. Counted in Redis, so every bot replica
 * sees the same counts. Over the limit: "slow down: try again in N s", and nothing runs.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import type { Keys } from '../queue/keys.js';
import { OpError } from './errors.js';

export type LimitKind = 'commands' | 'reads' | 'approvals';

/** Which limit a verb counts against. */
export function limitKind(op: { name: string; risk: string }): LimitKind {
  if (op.name === 'approve' || op.name === 'deny') return 'approvals';
  return op.risk === 'read' ? 'reads' : 'commands';
}

export class PeopleLimits {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly cfg: Config['rateLimits'],
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one command; throws RATE_LIMITED when the person or the channel is over its limit. */
  async take(kind: LimitKind, user: string, channel?: string): Promise<void> {
    const { perUser, perChannel, window } = this.cfg[kind];
    const slot = Math.floor(this.now() / window);
    const userKey = `${this.keys.prefix}:rl:${kind}:u:${user}:${slot}`;
    const chanKey = `${this.keys.prefix}:rl:${kind}:c:${channel ?? '-'}:${slot}`;
    const tx = this.redis.multi().incr(userKey).pexpire(userKey, window);
    if (channel) tx.incr(chanKey).pexpire(chanKey, window);
    const res = (await tx.exec()) ?? [];
    const userCount = Number(res[0]?.[1] ?? 0);
    const chanCount = channel ? Number(res[2]?.[1] ?? 0) : 0;
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
