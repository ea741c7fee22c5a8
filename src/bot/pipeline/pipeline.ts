/**
 * One path for every request, whoever makes it (a typed command, a button, a form, `vpsops exec`,
 * an approval that becomes a job): named stages over one context, then the answer. The core knows
 * no verb: each stage asks what the operation declares. Nothing here waits on a hypervisor, so
 * chat adapters can ack at once; nothing runs unaudited.
 */
import type { ApprovalRecord } from '../../model/approval.js';
import { type OpError, toOpError } from '../../model/errors.js';
import type { Reply } from '../../model/outcome.js';
import type { Subject } from '../policy/policy.js';
import { commandOf } from './command-of.js';
import type { Entry, PipelineDeps, RequestContext, Stage } from './context.js';
import { audit, auditRefusal } from './stages/audit.js';
import { authorize, maintenance } from './stages/authorize.js';
import { decide } from './stages/decide.js';
import { limit } from './stages/limit.js';
import { parse, permit } from './stages/parse.js';
import { admit, prepare } from './stages/prepare.js';
import { resolve } from './stages/resolve.js';
import { submit } from './stages/submit.js';

/** The stages, in order; `submit` follows them and makes the reply. */
export const STAGES: ReadonlyArray<readonly [string, Stage]> = [
  ['limit', limit],
  ['parse', parse],
  ['permit', permit],
  ['resolve', resolve],
  ['authorize', authorize],
  ['maintenance', maintenance],
  ['prepare', prepare],
  ['admit', admit],
  ['decide', decide],
  ['audit', audit],
];

/** A typed command, as a chat adapter or `vpsops exec` hands it in. */
export type CommandInput = Pick<Entry, 'text' | 'user' | 'channel' | 'usergroups' | 'origin' | 'requestId'>;

export class Pipeline {
  constructor(private readonly d: PipelineDeps) {}

  /** Runs one request to its reply. Never throws: every refusal and failure becomes a reply. */
  async run(entry: Entry): Promise<Reply> {
    const ctx: RequestContext = { entry, who: subject(entry), scope: {}, audit: {} };
    try {
      for (const [, stage] of STAGES) await stage(ctx, this.d);
      return await submit(ctx, this.d);
    } catch (err) {
      const e = toOpError(err);
      if (e.code === 'INTERNAL')
        this.d.log.error({ err, text: entry.text, user: entry.user }, 'command failed');
      return this.refused(ctx, e);
    }
  }

  /** A typed command. */
  dispatch(input: CommandInput): Promise<Reply> {
    return this.run(input);
  }

  /**
   * The Retry button: the failed job's request runs again as a new request by whoever clicked,
   * through every stage, on its target resolved again by name (a guest replaced since is not it).
   */
  retry(jobId: string, input: Omit<CommandInput, 'text'>): Promise<Reply> {
    return this.run({ ...input, text: `retry ${jobId}`, retryOf: jobId });
  }

  /**
   * An approved request becoming a job: it goes through the stages as its requester, and runs
   * exactly as approved once its target still resolves to the guest the approvers saw.
   */
  runApproved(r: ApprovalRecord): Promise<Reply> {
    const q = r.request;
    const op = this.d.catalogue.get(q.op);
    const entry: Entry = {
      text: `approved ${r.id}`,
      user: q.user,
      origin: q.origin,
      approved: { id: r.id, hash: r.hash, request: q },
      ...(q.channel ? { channel: q.channel } : {}),
      ...(r.requesterGroups ? { usergroups: r.requesterGroups } : {}),
      ...(op ? { parsed: commandOf(q, op) } : {}),
    };
    return this.run(entry);
  }

  /**
   * A refusal is audited too, held to the rate limit like any command: over it, the answer is
   * "slow down" whatever else was wrong. If even the audit fails, say so instead.
   */
  private async refused(ctx: RequestContext, e: OpError): Promise<Reply> {
    try {
      await auditRefusal(ctx, this.d, e);
      return refusal(e);
    } catch (err) {
      const next = toOpError(err);
      if (next.code !== 'RATE_LIMITED' || e.code === 'RATE_LIMITED') return refusal(next);
      return this.refused(ctx, next);
    }
  }
}

/** The reply of a refused request: its sentence, and the hint (usage, did-you-mean) under it. */
export function refusal(e: OpError): Reply {
  return {
    ok: false,
    ephemeral: true,
    text: e.userMessage,
    view: { kind: 'error', error: e.toJSON() },
    code: e.code,
    ...(e.field ? { field: e.field } : {}),
  };
}

function subject(d: { user: string; usergroups?: string[]; channel?: string }): Subject {
  return { user: d.user, usergroups: d.usergroups ?? [], ...(d.channel ? { channel: d.channel } : {}) };
}
