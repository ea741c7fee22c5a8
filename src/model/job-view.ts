/** The state of one operation's message as it moves: queued → running → done / failed / cancelled. */
import type { SerializedError } from './errors.js';
import type { JobPhase } from './notice.js';
import type { RunResult } from './view.js';

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

export function isFinal(phase: JobPhase): boolean {
  return phase === 'done' || phase === 'failed' || phase === 'cancelled';
}
