/**
 * The notify queue: everything a worker wants said in chat (job progress and outcome, guest
 * events). Workers only write to it; the bot's notifier is its only reader.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SerializedError } from '../model/errors.js';
import type { GuestEventType } from '../model/hypervisor.js';
import type { ResolvedTarget, RunResult } from '../ops/operation.js';
import { NOTIFY_QUEUE } from './keys.js';

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
  record: import('./approvals.js').ApprovalRecord;
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

/** Publishes notices; progress notices are small and many, so completed ones are not kept. */
export class NotifyPublisher {
  readonly queue: Queue<Notice>;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<Notice>(NOTIFY_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
        attempts: 5,
        backoff: 1000,
      },
    });
  }

  async publish(notice: Notice): Promise<void> {
    await this.queue.add(notice.kind, notice);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
