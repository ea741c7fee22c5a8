/**
 * The two-person rule: a request that needs approval is stored as it will run, its card goes to
 * the channel, and only approvers other than the requester, holding `approver` for that target,
 * can approve it, up to the quorum, before it expires. Then it goes through the pipeline again as
 * its requester (the target must still be the guest approved) and the job is signed with the
 * approval's id and the request's hash, which the worker checks too.
 */

import type { AuditSink } from '../model/audit.js';
import { OpError } from '../model/errors.js';
import { type Answer, type Reply, textAnswer } from '../model/outcome.js';
import type { JobRequest } from '../model/request.js';
import {
  type ApprovalRecord,
  type ApprovalStore,
  type DecideResult,
  requestHash,
} from '../store/approvals.js';
import type { NotifyPublisher } from '../store/notify.js';

/** Who is deciding, and where. */
export interface Decider {
  user: string;
  usergroups?: string[];
  channel?: string;
}

export interface ApprovalFlowDeps {
  store: ApprovalStore;
  notify: NotifyPublisher;
  audit: AuditSink;
  /** May this person approve requests on this host/guest? */
  mayApprove(d: Decider, host: string, guest?: string): { allow: boolean; reason?: string };
  /** Can this person see this guest at all (pending lists show only those)? */
  canSee(d: Decider, host: string, guest?: string): boolean;
  /** Runs an approved request through the pipeline as its requester; returns the job's reply. */
  runApproved(record: ApprovalRecord): Promise<Reply>;
  now(): number;
}

export interface NewApproval {
  request: JobRequest;
  why: string;
  quorum: number;
  expiryMs: number;
  cardChannel?: string;
  /** The requester's Slack user groups, to authorize the request again when it runs. */
  requesterGroups?: string[];
}

export class ApprovalFlow {
  constructor(private readonly d: ApprovalFlowDeps) {}

  /** Stores the request, posts its card and tells the requester what happens next. */
  async request(n: NewApproval): Promise<ApprovalRecord> {
    const now = this.d.now();
    const record: ApprovalRecord = {
      id: n.request.id,
      request: n.request,
      hash: requestHash(n.request),
      requester: n.request.user,
      why: n.why,
      createdAt: now,
      expiresAt: now + n.expiryMs,
      quorum: n.quorum,
      approvals: [],
      status: 'pending',
      ...(n.cardChannel ? { cardChannel: n.cardChannel } : {}),
      ...(n.requesterGroups ? { requesterGroups: n.requesterGroups } : {}),
    };
    await this.d.store.create(record);
    await this.d.notify.publish({ kind: 'approval', record, at: now });
    return record;
  }

  async approve(id: string, who: Decider): Promise<Answer> {
    const rec = await this.pending(id);
    if (who.user === rec.requester)
      throw new OpError('DENIED', 'You cannot approve your own request: another approver has to.');
    this.checkApprover(rec, who);
    const res = this.settle(await this.d.store.approve(id, who.user, this.d.now()), id);
    const r = res.record;
    await this.decided(r, who.user, 'approved');
    if (r.status !== 'approved') {
      await this.card(r);
      const left = r.quorum - r.approvals.length;
      return textAnswer(
        `Approved ${id} (${r.approvals.length} of ${r.quorum}); ${left} more approver${left === 1 ? '' : 's'} needed.`,
      );
    }
    const reply = await this.d.runApproved(r);
    if (!reply.ok || !reply.job) {
      const failed = await this.d.store.fail(id, reply.text);
      await this.card(failed.ok ? failed.record : r);
      throw new OpError('APPROVAL', `Approved, but ${id} did not run: ${reply.text}`, {
        hint: 'Ask for a new request if it is still wanted.',
      });
    }
    await this.card(r);
    return { view: { kind: 'text', text: reply.text }, text: reply.text, public: true, job: reply.job };
  }

  async deny(id: string, who: Decider, reason: string): Promise<Answer> {
    const rec = await this.pending(id);
    if (who.user !== rec.requester) this.checkApprover(rec, who);
    const r = this.settle(await this.d.store.deny(id, who.user, reason, this.d.now()), id).record;
    await this.decided(r, who.user, 'denied', reason);
    await this.card(r);
    return textAnswer(`Denied ${id}: ${reason}`);
  }

  /** What waits for approval, as far as this person may see. */
  async list(who: Decider): Promise<Answer> {
    const records = (
      await Promise.all((await this.d.store.pendingIds()).map((id) => this.d.store.get(id)))
    ).filter(
      (r): r is ApprovalRecord =>
        r !== undefined &&
        r.status === 'pending' &&
        this.d.canSee(who, r.request.host, r.request.target.guestName),
    );
    const text = records.length ? `${records.length} waiting for approval` : 'Nothing waits for approval.';
    return { view: { kind: 'approvals', approvals: records, now: this.d.now() }, text };
  }

  /** Expires what is due (run on a timer by the bot); returns how many expired. */
  async sweep(): Promise<number> {
    const now = this.d.now();
    let n = 0;
    for (const id of await this.d.store.pendingIds(now)) {
      const res = await this.d.store.expire(id, now);
      if (res.ok || res.why !== 'expired' || !res.record) continue;
      n++;
      await this.expired(res.record);
    }
    return n;
  }

  private async expired(r: ApprovalRecord): Promise<void> {
    await this.decided(r, r.requester, 'expired');
    await this.card(r);
  }

  /** The audit entry of a decision, with who has approved so far and how many it needs. */
  private async decided(
    r: ApprovalRecord,
    user: string,
    decision: 'approved' | 'denied' | 'expired',
    reason?: string,
  ): Promise<void> {
    const t = r.request.target.guestName ?? r.request.target.word;
    await this.d.audit.append({
      type: 'approval',
      at: this.d.now(),
      approvalId: r.id,
      requestId: r.request.id,
      user,
      decision,
      op: r.request.op,
      host: r.request.host,
      approvers: r.approvals.map((a) => a.user),
      needed: r.quorum,
      ...(t ? { target: t } : {}),
      ...(reason ? { reason } : {}),
    });
  }

  private async pending(id: string): Promise<ApprovalRecord> {
    const rec = await this.d.store.get(id);
    if (!rec)
      throw new OpError('APPROVAL', `No approval request ${id}.`, { hint: '/vps pending lists what waits.' });
    if (rec.status === 'pending' && this.d.now() >= rec.expiresAt) {
      const res = await this.d.store.expire(id, this.d.now());
      if (!res.ok && res.why === 'expired' && res.record) await this.expired(res.record);
      throw new OpError(
        'APPROVAL',
        `Request ${id} expired at ${new Date(rec.expiresAt).toISOString()}; nothing ran.`,
      );
    }
    if (rec.status !== 'pending') throw new OpError('APPROVAL', `Request ${id} was already ${rec.status}.`);
    return rec;
  }

  private checkApprover(rec: ApprovalRecord, who: Decider): void {
    const may = this.d.mayApprove(who, rec.request.host, rec.request.target.guestName);
    if (!may.allow) throw new OpError('DENIED', may.reason ?? 'You may not approve this request.');
  }

  /** Turns a refused decision into the sentence for the person who clicked. */
  private settle(res: DecideResult, id: string): { record: ApprovalRecord } {
    if (res.ok) return res;
    const why = {
      missing: `No approval request ${id}.`,
      self: 'You cannot approve your own request: another approver has to.',
      twice: `You already approved ${id}; it needs another approver.`,
      decided: `Request ${id} was already ${res.record?.status ?? 'decided'}.`,
      expired: `Request ${id} expired; nothing ran.`,
    }[res.why];
    throw new OpError(res.why === 'self' || res.why === 'twice' ? 'DENIED' : 'APPROVAL', why);
  }

  private async card(r: ApprovalRecord): Promise<void> {
    await this.d.notify.publish({ kind: 'approval', record: r, at: this.d.now() });
  }
}
