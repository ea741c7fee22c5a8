/**
 * Approval requests in Redis. A request that needs approval is kept here, exactly as it will
 * run (its JobRequest and that request's hash), until enough approvers approve it, someone
 * denies it, or it expires. Every decision is one Lua script, so two clicks at once cannot both
 * count or both decide.
 */
import type { Redis } from 'ioredis';
import type { JobRequest } from '../model/request.js';
import type { Keys } from './keys.js';

export type { ApprovalRecord, ApprovalStatus } from '../model/approval.js';
export { requestHash } from '../model/approval.js';

import type { ApprovalRecord } from '../model/approval.js';

export type DecideResult =
  | { ok: true; record: ApprovalRecord }
  | { ok: false; why: 'missing' | 'self' | 'twice' | 'decided' | 'expired'; record?: ApprovalRecord };

// ARGV: action (approve|deny|expire|fail), user, now, reason. Returns {verdict, json}.
const DECIDE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return {'missing', ''} end
local r = cjson.decode(raw)
local now = tonumber(ARGV[3])
local action = ARGV[1]
if type(r.approvals) ~= 'table' then r.approvals = {} end
local function save(verdict)
  if r.status ~= 'pending' then redis.call('ZREM', KEYS[2], r.id) end
  local out = cjson.encode(r)
  redis.call('SET', KEYS[1], out, 'KEEPTTL')
  return {verdict, out}
end
if action == 'fail' then
  if r.status ~= 'approved' then return {'decided', raw} end
  r.status = 'failed'
  r.failure = ARGV[4]
  return save('ok')
end
if r.status ~= 'pending' then return {'decided', raw} end
if now >= r.expiresAt then
  r.status = 'expired'
  local _, out = unpack(save('expired'))
  return {'expired', out}
end
if action == 'expire' then return {'decided', raw} end
if action == 'deny' then
  r.status = 'denied'
  r.denial = { user = ARGV[2], at = now, reason = ARGV[4] }
  return save('ok')
end
if ARGV[2] == r.requester then return {'self', raw} end
for _, a in ipairs(r.approvals) do
  if a.user == ARGV[2] then return {'twice', raw} end
end
table.insert(r.approvals, { user = ARGV[2], at = now })
if #r.approvals >= r.quorum then r.status = 'approved' end
return save('ok')`;

export class ApprovalStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** Decided requests are kept this long after they expire, for /vps pending and the audit. */
    private readonly keepMs = 7 * 24 * 3600_000,
  ) {}

  async create(r: ApprovalRecord): Promise<void> {
    const { request, ...state } = r;
    const ttl = r.expiresAt - r.createdAt + this.keepMs;
    // The request is kept apart, byte for byte: the Lua decisions re-encode only the state.
    await this.redis
      .multi()
      .set(this.keys.approval(r.id), JSON.stringify(state), 'PX', ttl)
      .set(this.keys.approvalRequest(r.id), JSON.stringify(request), 'PX', ttl)
      .zadd(this.keys.approvalsPending, r.expiresAt, r.id)
      .exec();
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const [[, raw], [, req]] = (await this.redis
      .multi()
      .get(this.keys.approval(id))
      .get(this.keys.approvalRequest(id))
      .exec()) as [[unknown, string | null], [unknown, string | null]];
    return raw && req ? parse(raw, req) : undefined;
  }

  async approve(id: string, user: string, now = Date.now()): Promise<DecideResult> {
    return this.decide('approve', id, user, now, '');
  }

  async deny(id: string, user: string, reason: string, now = Date.now()): Promise<DecideResult> {
    return this.decide('deny', id, user, now, reason);
  }

  /** Marks a pending request expired if its time is up. */
  async expire(id: string, now = Date.now()): Promise<DecideResult> {
    return this.decide('expire', id, '', now, '');
  }

  /** An approved request whose target changed since: it will not run. */
  async fail(id: string, why: string): Promise<DecideResult> {
    return this.decide('fail', id, '', Date.now(), why);
  }

  /** Ids of requests still pending, soonest to expire first; `dueBy` limits to those expired by then. */
  async pendingIds(dueBy?: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.approvalsPending, '-inf', dueBy ?? '+inf');
  }

  private async decide(
    action: string,
    id: string,
    user: string,
    now: number,
    reason: string,
  ): Promise<DecideResult> {
    const [verdict, raw] = (await this.redis.eval(
      DECIDE,
      2,
      this.keys.approval(id),
      this.keys.approvalsPending,
      action,
      user,
      String(now),
      reason,
    )) as [string, string];
    if (verdict === 'missing') return { ok: false, why: 'missing' };
    const req = await this.redis.get(this.keys.approvalRequest(id));
    if (!req) return { ok: false, why: 'missing' };
    const record = parse(raw, req);
    if (verdict === 'ok') return { ok: true, record };
    return { ok: false, why: verdict as 'self' | 'twice' | 'decided' | 'expired', record };
  }
}

function parse(raw: string, request: string): ApprovalRecord {
  const r = JSON.parse(raw) as ApprovalRecord;
  // Lua's cjson writes an empty array as {}.
  if (!Array.isArray(r.approvals)) r.approvals = [];
  r.request = JSON.parse(request) as JobRequest;
  return r;
}
