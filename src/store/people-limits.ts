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

export type LimitKind = 'commands' | 'reads' | 'approvals';

/** Which limit a verb counts against. */
export function limitKind(op: { name: string; risk: string }): LimitKind {
  if (op.name === 'approve' || op.name === 'deny') return 'approvals';
  return op.risk === 'read' ? 'reads' : 'commands';
}

// Counts the command for the person and the channel and, when both are within their limits,
// appends its audit entry: one round trip for what would otherwise be two on every command.
const TAKE_AND_AUDIT = `
local u = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local c = 0
if ARGV[4] == '1' then
  c = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
if u > tonumber(ARGV[2]) or (ARGV[4] == '1' and c > tonumber(ARGV[3])) then return {0, u, c} end
local id = redis.call('XADD', KEYS[3], '*', unpack(ARGV, 5))
return {1, u, c, id}`;

export class PeopleLimits {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly cfg: Config['rateLimits'],
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one command and, within the limits, appends its audit entry (`fields`, as AuditLog
   * writes them) to `auditKey` in the same round trip. Throws RATE_LIMITED (nothing appended) or
   * the audit sentence when Redis fails.
   */
  async takeAndAudit(
    kind: LimitKind,
    user: string,
    channel: string | undefined,
    auditKey: string,
    fields: string[],
  ): Promise<void> {
    const { perUser, perChannel, window } = this.cfg[kind];
    const slot = Math.floor(this.now() / window);
    let res: [number, number, number];
    try {
      res = (await this.redis.eval(
        TAKE_AND_AUDIT,
        3,
        this.key(kind, 'u', user, slot),
        this.key(kind, 'c', channel ?? '-', slot),
        auditKey,
        String(window),
        String(perUser),
        String(perChannel),
        channel ? '1' : '0',
        ...fields,
      )) as [number, number, number];
    } catch (err) {
      throw auditWriteError(err);
    }
    this.check(kind, slot, res[1], res[2], channel);
  }

  private key(kind: LimitKind, who: 'u' | 'c', id: string, slot: number): string {
    return `${this.keys.prefix}:rl:${kind}:${who}:${id}:${slot}`;
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
