/**
 * The one message of an operation, as it moves: queued → running (bar, step) → done / failed /
 * cancelled. Adapters post it once and update it in place.
 */
import type { SerializedError } from '../../model/errors.js';
import { formatDuration } from '../../model/units.js';
import type { RunResult } from '../../ops/operation.js';
import type { JobPhase } from '../../store/notify.js';
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

export interface JobView {
  requestId: string;
  op: string;
  host: string;
  /** `web-1 (101)` or the new guest's name. */
  targetLabel: string;
  user: string;
  phase: JobPhase;
  pct: number;
  step?: string;
  position?: number;
  result?: RunResult;
  error?: SerializedError;
  startedAt?: number;
  finishedAt?: number;
  attempt?: number;
}

const ICON: Record<JobPhase, string> = {
  queued: '⏳',
  running: '▶️',
  progress: '▶️',
  retrying: '🔁',
  done: '✅',
  failed: '❌',
  cancelled: '🚫',
};

export function isFinal(phase: JobPhase): boolean {
  return phase === 'done' || phase === 'failed' || phase === 'cancelled';
}

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

/** Blocks for the job message; `extra` renders an operation's own result (e.g. a list of snapshots). */
export function jobBlocks(v: JobView, extra?: (r: RunResult) => Block[]): Block[] {
  const title = `${ICON[v.phase]} *${v.op}* ${escapeMrkdwn(v.targetLabel)} on ${v.host}: ${statusLine(v)}`;
  const blocks: Block[] = [section(title)];
  if (v.phase === 'done' && v.result) {
    if (extra) blocks.push(...extra(v.result).slice(1));
    else if (v.result.fields)
      blocks.push(fieldsOnly(Object.entries(v.result.fields).map(([k, val]) => `*${k}*\n${val}`)));
  }
  if (v.phase === 'failed' && v.error?.hint) blocks.push(context(escapeMrkdwn(v.error.hint)));
  blocks.push(context(`requested by ${userRef(v.user)} · job \`${v.requestId}\``));
  if (!isFinal(v.phase)) blocks.push(actions(button('Cancel', 'job_cancel', v.requestId, 'danger')));
  if (v.phase === 'failed') blocks.push(actions(button('Retry', 'job_retry', v.requestId)));
  return blocks;
}

export function jobText(v: JobView): string {
  return `${v.op} ${v.targetLabel} on ${v.host}: ${statusLine(v)}`.replace(/[*`]/g, '');
}
