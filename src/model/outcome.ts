/**
 * What a request comes to, as data: the pipeline returns it, and each chat adapter draws it its own
 * way (chat/view for Block Kit, which the terminal renders to text).
 */
import type { ErrorCode } from './errors.js';
import type { JobView } from './job-view.js';
import type { View } from './view.js';

export type { View } from './view.js';

/** A request that waits for approval, as the requester is told. */
export interface ApprovalAsk {
  id: string;
  op: string;
  targetLabel: string;
  host: string;
  why: string;
  quorum: number;
  expiresAt: number;
  /** The approvals channel, when the card goes elsewhere than where the request was typed. */
  channel?: string;
}

/** The answer of a bot-side operation: what to draw, its plain sentence, and who sees it. */
export interface Answer {
  view: View;
  /** Plain text: notification fallback, logs, `vpsops exec --json`. */
  text: string;
  /** Shown in the channel rather than only to the caller (default: only the caller). */
  public?: boolean;
  /** A paged read: which page this is, of how many (adapters add Prev/Next buttons). */
  page?: { page: number; pages: number };
  /** When answering started a job (the approval that completed a request): the job. */
  job?: { view: JobView; hostUp: boolean; channel?: string };
}

/** What a command comes to, for whichever adapter asked. */
export interface Reply {
  /** false when the command was refused or failed. */
  ok: boolean;
  /** Only the caller sees it (input errors, reads). */
  ephemeral: boolean;
  /** Plain fallback text (notifications, logs, screen readers). */
  text: string;
  /** What to draw: the answer of a read, or the error of a refusal (see also `job` and `approval`). */
  view?: View;
  /** Set when the command became a request waiting for approval: what the requester is told. */
  approval?: ApprovalAsk;
  /** Set when the command became a request waiting for approval. */
  approvalId?: string;
  /** Set when the command became a job. */
  jobId?: string;
  /** The queued job's message state, for adapters that post and update it. */
  job?: { view: JobView; hostUp: boolean; channel?: string };
  host?: string;
  code?: ErrorCode;
  /** For a refusal about one argument: which (so a form can show it on that field). */
  field?: string;
  /** A paged read: which page this is, of how many. */
  page?: { page: number; pages: number };
}

/** A read's reply from its answer. */
export function answered(a: Answer): Reply {
  return {
    ok: true,
    ephemeral: !a.public,
    text: a.text,
    view: a.view,
    ...(a.page && a.page.pages > 1 ? { page: a.page } : {}),
    ...(a.job ? { job: a.job, jobId: a.job.view.requestId, host: a.job.view.host } : {}),
  };
}

/** A one-sentence answer. */
export function textAnswer(text: string, opts: { icon?: string; public?: boolean } = {}): Answer {
  return {
    view: { kind: 'text', text, ...(opts.icon ? { icon: opts.icon } : {}) },
    text,
    ...(opts.public ? { public: true } : {}),
  };
}

/** The requester's answer when a request waits for approval. */
export function approvalAskText(a: ApprovalAsk): string {
  const where = a.channel ? ` in <#${a.channel}>` : ' here';
  const who = a.quorum === 1 ? 'an approver' : `${a.quorum} approvers`;
  return `⏳ ${a.op} ${a.targetLabel} on ${a.host} needs approval (${a.why}). It waits for ${who}${where} until ${new Date(a.expiresAt).toISOString()}; request \`${a.id}\`, see /vps pending.`;
}
