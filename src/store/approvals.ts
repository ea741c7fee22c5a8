/**
 * Approval requests in Redis. A request that needs approval is kept here, exactly as it will
 * run (its JobRequest and that request's hash), until enough approvers approve it, someone
 * denies it, or it expires. Every decision is one Lua script, so two clicks at once cannot both
 * count or both decide.
 */
import type { Redis } from 'ioredis';
import type { JobRequest } from '../model/request.js';
import type { Keys } from './keys.js';
import { scripts } from './scripts.js';

export type { ApprovalRecord, ApprovalStatus } from '../model/approval.js';
export { requestHash } from '../model/approval.js';

import type { ApprovalRecord } from '../model/approval.js';

export type DecideResult =
  | { ok: true; record: ApprovalRecord }
  | { ok: false; why: 'missing' | 'self' | 'twice' | 'decided' | 'expired'; record?: ApprovalRecord };

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
    action: 'approve' | 'deny' | 'expire' | 'fail',
    id: string,
    user: string,
    now: number,
    reason: string,
  ): Promise<DecideResult> {
    const [verdict, raw] = await scripts.approvalDecide(
      this.redis,
      [this.keys.approval(id), this.keys.approvalsPending],
      { action, user, now, reason },
    );
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
