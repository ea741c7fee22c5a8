import { formatDuration } from '../../model/units.js';
import type { RunResult } from '../../ops/operation.js';
import type { JobPhase } from '../../store/notify.js';
import { guestBlocks, guestRows, snapshotRows } from './answers/guests.js';
import {
  actions,
  type Block,
  button,
  context,
  escapeMrkdwn,
  fieldsOnly,
  progressBar,
  section,
  userRef,
} from './blocks.js';

export type { JobView } from '../../model/job-view.js';
export { isFinal } from '../../model/job-view.js';

import { isFinal, type JobView } from '../../model/job-view.js';

const ICON: Record<JobPhase, string> = {
  queued: '⏳',
  running: '▶️',
  progress: '▶️',
  retrying: '🔁',
  done: '✅',
  failed: '❌',
  cancelled: '🚫',
};

function statusLine(v: JobView): string {
  const took =
    v.startedAt !== undefined && v.finishedAt !== undefined
      ? ` in ${formatDuration(v.finishedAt - v.startedAt)}`
      : '';
  switch (v.phase) {
    case 'queued':
      return `queued${v.position ? (v.position > 1 ? ` (position ${v.position})` : ' (next in line)') : ''}${v.step ? `: ${escapeMrkdwn(v.step)}` : ''}`;
    case 'running':
    case 'progress':
      return `${progressBar(v.pct)}${v.step ? ` ${escapeMrkdwn(v.step)}` : ''}`;
    case 'retrying':
      return `will retry (attempt ${(v.attempt ?? 1) + 1})${v.error ? `: ${escapeMrkdwn(v.error.message)}` : ''}`;
    case 'done':
      return `done${took}: ${escapeMrkdwn(v.result?.summary ?? '')}`;
    case 'failed':
      return `failed${took}: ${escapeMrkdwn(v.error?.message ?? 'unknown error')}`;
    case 'cancelled':
      return `cancelled${v.step ? ` (${escapeMrkdwn(v.step)})` : ''}`;
  }
}

/** Blocks for the job message, with what a done operation found under its status line. */
export function jobBlocks(v: JobView): Block[] {
  const title = `${ICON[v.phase]} *${v.op}* ${escapeMrkdwn(v.targetLabel)} on ${v.host}: ${statusLine(v)}`;
  const blocks: Block[] = [section(title)];
  if (v.phase === 'done' && v.result) blocks.push(...resultBlocks(v.result));
  if (v.phase === 'failed' && v.error?.hint) blocks.push(context(escapeMrkdwn(v.error.hint)));
  blocks.push(context(`requested by ${userRef(v.user)} · job \`${v.requestId}\``));
  if (!isFinal(v.phase)) blocks.push(actions(button('Cancel', 'job_cancel', v.requestId, 'danger')));
  if (v.phase === 'failed') blocks.push(actions(button('Retry', 'job_retry', v.requestId)));
  return blocks;
}

export function jobText(v: JobView): string {
  return `${v.op} ${v.targetLabel} on ${v.host}: ${statusLine(v)}`.replace(/[*`]/g, '');
}

/** A queued job's message; a host that is not reporting gets a warning under the status line. */
export function queuedBlocks(view: JobView, hostUp: boolean): Block[] {
  const blocks = jobBlocks(view);
  if (!hostUp)
    blocks.splice(
      1,
      0,
      context(`⚠️ ${view.host} is not reporting; the job runs when its worker is back (see /vps hosts).`),
    );
  return blocks;
}

/** Under a done job's status line: what its operation found (guests, snapshots), or its fields. */
export function resultBlocks(result: RunResult): Block[] {
  const v = result.view;
  if (v?.kind === 'guests') return guestRows(v);
  if (v?.kind === 'guest') return guestBlocks(v).slice(1);
  if (v?.kind === 'snapshots') return snapshotRows(v);
  if (result.fields) return [fieldsOnly(Object.entries(result.fields).map(([k, val]) => `*${k}*\n${val}`))];
  return [];
}
