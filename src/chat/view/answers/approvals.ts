/** `/vps pending`: what waits for approval, as far as the caller may see. */

import { targetLabel } from '../../../model/request.js';
import { formatDuration } from '../../../model/units.js';
import type { View } from '../../../model/view.js';
import { type Block, context, escapeMrkdwn, section, sectionsOf, userRef } from '../blocks.js';

export function approvalsBlocks(v: Extract<View, { kind: 'approvals' }>): Block[] {
  if (!v.approvals.length) return [section('Nothing waits for approval.')];
  const lines = v.approvals.map(
    (r) =>
      `\`${r.id}\` *${r.request.op}* ${escapeMrkdwn(targetLabel(r.request.target))} on ${r.request.host} by ${userRef(r.requester)} · ${r.approvals.length} of ${r.quorum} · expires in ${formatDuration(Math.max(0, r.expiresAt - v.now))}`,
  );
  return [
    section(`*${v.approvals.length} waiting for approval*`),
    ...sectionsOf(lines),
    context('/vps approve <id> · /vps deny <id> reason=…'),
  ];
}
