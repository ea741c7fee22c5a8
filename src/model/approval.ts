/** An approval request as it is kept, and the hash of the request it approves. */
import { createHash } from 'node:crypto';
import type { JobRequest } from './request.js';
import { canonicalize } from './signing.js';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'failed';

export interface ApprovalRecord {
  id: string;
  /** The request that runs once approved, without its `approval` field. */
  request: JobRequest;
  /** sha256 of the request's canonical encoding: what the approvers approved. */
  hash: string;
  requester: string;
  /** The requester's Slack user groups when asking: the request is authorized again as them. */
  requesterGroups?: string[];
  /** Why it needs approval, in one phrase ("destroy is destructive"). */
  why: string;
  /** Where the approval card is. */
  cardChannel?: string;
  createdAt: number;
  expiresAt: number;
  quorum: number;
  approvals: Array<{ user: string; at: number }>;
  denial?: { user: string; at: number; reason: string };
  /** Why an approved request could not run (the target changed). */
  failure?: string;
  status: ApprovalStatus;
}

/** The hash an approval and a signed job are bound to. */
export function requestHash(request: JobRequest): string {
  const { approval: _approval, ...rest } = request;
  return createHash('sha256').update(canonicalize(rest)).digest('hex');
}
