/** What workers (and the bot) tell the notifier: job progress and outcomes, guest events, approvals, pressure. */
import type { ApprovalRecord } from './approval.js';
import type { SerializedError } from './errors.js';
import type { GuestEventType } from './hypervisor.js';
import type { ResolvedTarget } from './request.js';
import type { RunResult } from './view.js';

export type JobPhase = 'queued' | 'running' | 'progress' | 'retrying' | 'done' | 'failed' | 'cancelled';

export interface JobNotice {
  kind: 'job';
  requestId: string;
  host: string;
  op: string;
  target: ResolvedTarget;
  user: string;
  channel?: string;
  origin: string;
  phase: JobPhase;
  pct?: number;
  step?: string;
  /** A queued job's place in its host's line (2 = one job ahead). */
  position?: number;
  result?: RunResult;
  error?: SerializedError;
  attempt?: number;
  startedAt?: number;
  at: number;
}

export interface GuestNotice {
  kind: 'guest';
  host: string;
  guestId: string;
  guestName: string;
  /** What happened; `stopped` means out of band (no operation of ours asked for it). */
  event: GuestEventType;
  reason?: string;
  at: number;
}

/** An approval request was made or changed (approved, denied, expired): its card shows it. */
export interface ApprovalNotice {
  kind: 'approval';
  record: ApprovalRecord;
  at: number;
}

/** A guest's beancounter fail counter grew since the worker's previous poll (OpenVZ). */
export interface PressureNotice {
  kind: 'pressure';
  host: string;
  guestId: string;
  guestName: string;
  /** The beancounter, e.g. `physpages`. */
  resource: string;
  /** The failcnt now. */
  failcnt: number;
  /** How much it grew since the previous poll (always more than 0). */
  grewBy: number;
  at: number;
}

export type Notice = JobNotice | GuestNotice | ApprovalNotice | PressureNotice;
