/**
 * The approval card: who asks for what, on which target, with which arguments, why it needs
 * approval and until when; Approve and Deny while it is pending, then who decided and when.
 */

import { targetLabel } from '../../model/request.js';
import { formatDuration, formatSize } from '../../model/units.js';
import type { ApprovalRecord } from '../../store/approvals.js';
import {
  actions,
  type Block,
  button,
  context,
  escapeMrkdwn,
  fieldsOnly,
  section,
  slackDate,
  userRef,
} from './blocks.js';

function argsText(args: Record<string, unknown>): string {
  const parts = Object.entries(args)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' && /memory|disk/.test(k) ? formatSize(v) : String(v)}`);
  return parts.length ? escapeMrkdwn(parts.join(' ')) : '—';
}

function statusLine(r: ApprovalRecord): string {
  const who = r.approvals.map((a) => userRef(a.user)).join(', ');
  switch (r.status) {
    case 'pending':
      return `⏳ waiting for ${r.quorum - r.approvals.length} more approval${r.quorum - r.approvals.length === 1 ? '' : 's'}${who ? ` (approved so far by ${who})` : ''}`;
    case 'approved':
      return `✅ approved by ${who} at ${slackDate(r.approvals.at(-1)?.at ?? r.createdAt)}; job \`${r.request.id}\` is queued`;
    case 'denied':
      return `⛔ denied by ${userRef(r.denial?.user ?? '?')} at ${slackDate(r.denial?.at ?? r.createdAt)}: ${escapeMrkdwn(r.denial?.reason ?? '')}`;
    case 'expired':
      return `⌛ expired at ${slackDate(r.expiresAt)}${who ? ` with only ${who}` : ' before anyone approved it'}; nothing ran`;
    case 'failed':
      return `⚠️ approved by ${who}, but not run: ${escapeMrkdwn(r.failure ?? 'the target changed')}`;
  }
}

export function approvalBlocks(r: ApprovalRecord): Block[] {
  const q = r.request;
  const blocks: Block[] = [
    section(
      `🔐 *Approval ${r.status === 'pending' ? 'needed' : r.status}*: *${q.op}* ${escapeMrkdwn(targetLabel(q.target))} on ${q.host}`,
    ),
    fieldsOnly([
      `*Requested by*\n${userRef(r.requester)}`,
      `*Why*\n${escapeMrkdwn(r.why)}`,
      `*Arguments*\n${argsText(q.args)}`,
      `*Expires*\n${slackDate(r.expiresAt)} (${formatDuration(r.expiresAt - r.createdAt)} after the request)`,
      `*Approvals*\n${r.approvals.length} of ${r.quorum}`,
    ]),
    section(statusLine(r)),
  ];
  if (r.status === 'pending')
    blocks.push(
      actions(
        button('Approve', 'approval_approve', r.id, 'primary'),
        button('Deny', 'approval_deny', r.id, 'danger'),
      ),
    );
  blocks.push(context(`approval \`${r.id}\` · /vps approve ${r.id} · /vps deny ${r.id} reason=…`));
  return blocks;
}

export function approvalText(r: ApprovalRecord): string {
  return `Approval ${r.status}: ${r.request.op} ${targetLabel(r.request.target)} on ${r.request.host} (request ${r.id})`;
}
