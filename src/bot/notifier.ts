/**
 * The notifier: the only reader of the notify queue. It folds job notices into the state of each
 * job's message and hands that to the chat adapter's sink, in order (concurrency 1 keeps the
 * notices of one job in sequence).
 */
import { Worker } from 'bullmq';
import type { Logger } from '../log.js';
import { readFailure } from '../model/failure.js';
import { isFinal, type JobView } from '../model/job-view.js';
import { targetLabel } from '../model/request.js';
import type { OperationDef } from '../ops/operation.js';
import { connect } from '../store/connection.js';
import { NOTIFY_QUEUE } from '../store/keys.js';
import type { JobNotice, Notice } from '../store/notify.js';
import type { ChatAdapter } from './adapter.js';
import type { AlertManager } from './alerts/manager.js';

const MAX_VIEWS = 5_000;

/** Where the notifier hands what it folded: one chat adapter, or several through fanOut. */
export type NotifySink = Pick<ChatAdapter, 'job' | 'guest' | 'approval'> &
  Partial<Pick<ChatAdapter, 'alert'>>;

export interface NotifierOptions {
  redisUrl: string;
  prefix: string;
  catalogue: ReadonlyMap<string, OperationDef>;
  sink: NotifySink;
  log: Logger;
  /** Turns guest notices and failed jobs into alerts; without it, guest notices go to the sink as they are. */
  alerts?: AlertManager;
}

/** Folds one notice into a job's view (pure; exported for tests). */
export function foldNotice(prev: JobView | undefined, n: JobNotice): JobView {
  const v: JobView = prev ?? {
    requestId: n.requestId,
    op: n.op,
    host: n.host,
    targetLabel: targetLabel(n.target),
    user: n.user,
    phase: n.phase,
    pct: 0,
  };
  const next: JobView = { ...v, phase: n.phase === 'progress' ? 'running' : n.phase };
  if (n.pct !== undefined) next.pct = n.pct;
  if (n.step !== undefined) next.step = n.step;
  if (n.position !== undefined) next.position = n.position;
  if (n.phase !== 'queued') delete next.position;
  if (n.startedAt !== undefined) next.startedAt = n.startedAt;
  if (n.attempt !== undefined) next.attempt = n.attempt;
  if (n.result !== undefined) next.result = n.result;
  if (n.error !== undefined) next.error = n.error;
  if (isFinal(n.phase)) next.finishedAt = n.at;
  return next;
}

export class Notifier {
  private readonly views = new Map<string, JobView>();
  private worker: Worker<Notice> | undefined;
  private connection: ReturnType<typeof connect> | undefined;

  constructor(private readonly o: NotifierOptions) {}

  start(): void {
    this.connection = connect({ url: this.o.redisUrl, blocking: true, log: this.o.log });
    this.worker = new Worker<Notice>(NOTIFY_QUEUE, async (job) => this.handle(job.data), {
      connection: this.connection,
      prefix: this.o.prefix,
      concurrency: 1,
      // A notice takes milliseconds; when a bot dies holding one, another bot should get it back in
      // seconds, not after BullMQ's default 30 s lock.
      lockDuration: 5_000,
      stalledInterval: 5_000,
      maxStalledCount: 5,
    });
    this.worker.on('error', (err) => this.o.log.error({ err }, 'notifier queue error'));
  }

  async handle(notice: Notice): Promise<void> {
    const n = notice.kind === 'job' ? withReadError(notice) : notice;
    if (n.kind === 'guest') {
      await (this.o.alerts ? this.o.alerts.onGuest(n) : this.o.sink.guest(n));
      return;
    }
    if (n.kind === 'approval') {
      await this.o.sink.approval(n);
      return;
    }
    if (n.kind === 'pressure') {
      await this.o.alerts?.onPressure(n);
      return;
    }
    // A progress notice that arrives after the outcome (throttled, late) must not undo it.
    const prev = this.views.get(n.requestId);
    if (prev && isFinal(prev.phase)) return;
    const view = foldNotice(prev, n);
    this.views.delete(n.requestId);
    this.views.set(n.requestId, view);
    // Finished views stay a while so late notices can be recognised; drop the oldest beyond the cap.
    if (this.views.size > MAX_VIEWS) this.views.delete(this.views.keys().next().value!);
    await this.o.sink.job(view, n);
    if (n.phase === 'failed' && this.o.alerts) await this.o.alerts.onJobFailed(n, view.targetLabel);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    // BullMQ does not close a connection it was handed.
    await this.connection?.quit().catch(() => {});
  }
}

/** A job notice whose error, which crossed the queue, is read through the one failure codec. */
function withReadError(n: JobNotice): JobNotice {
  return n.error === undefined ? n : { ...n, error: readFailure(n.error) };
}
