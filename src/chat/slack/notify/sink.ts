/**
 * The notifier's Slack side: each job notice becomes the latest state of that job's one message
 * in the outbox (posted, then updated in place by the flusher), plus a line for its thread log.
 * Jobs started elsewhere (terminal, `vpsops exec`) have no Slack message and are skipped.
 */
import type { AlertEvent } from '../../../bot/alerts/manager.js';
import type { NotifySink } from '../../../bot/notifier.js';
import type { Config } from '../../../config/schema.js';
import type { AlertState } from '../../../model/alert.js';
import { formatDuration } from '../../../model/units.js';
import type { ApprovalNotice, GuestNotice, JobNotice } from '../../../store/notify.js';
import { alertBlocks, alertChannel, alertKey, alertText } from '../../view/alert-card.js';
import { approvalBlocks, approvalText } from '../../view/approval-card.js';
import { isFinal, type JobView, jobBlocks, jobText } from '../../view/job-message.js';
import type { SlackOutbox } from './outbox.js';

/** Jobs whose last logged step we remember, to log each step once. */
const MAX_TRACKED = 5_000;

export class SlackSink implements NotifySink {
  private readonly lastStep = new Map<string, string>();

  constructor(
    private readonly outbox: SlackOutbox,
    private readonly config: Config,
    private readonly wake: () => void,
  ) {}

  async job(view: JobView, notice: JobNotice): Promise<void> {
    if (notice.origin !== 'slack') return;
    const final = isFinal(view.phase);
    const logLine = this.logLine(view, notice);
    await this.outbox.updateJob({
      requestId: view.requestId,
      payload: { text: jobText(view), blocks: jobBlocks(view) },
      final,
      user: notice.user,
      ...(notice.channel ? { channel: notice.channel } : {}),
      ...(logLine ? { logLine } : {}),
      now: notice.at,
    });
    if (final) this.lastStep.delete(view.requestId);
    this.wake();
  }

  /** An approval card is a message like a job's: posted once, then edited as it is decided. */
  async approval(n: ApprovalNotice): Promise<void> {
    const r = n.record;
    // Cards go to Slack channels only (a terminal request with no approvals channel has none).
    const channel = r.cardChannel;
    if (!channel || !/^[CGD][A-Z0-9]{2,}$/.test(channel)) return;
    await this.outbox.updateJob({
      requestId: `apr-${r.id}`,
      payload: { text: approvalText(r), blocks: approvalBlocks(r) },
      final: r.status !== 'pending',
      channel,
      user: r.requester,
      now: n.at,
    });
    this.wake();
  }

  /** An alert's one message, edited only when something on it changes; notes go into its thread. */
  async alert(e: AlertEvent): Promise<void> {
    await writeAlert(this.outbox, this.config, e.state, e.note);
    // A failed job's alert goes into the requester's thread too.
    if (e.jobRequestId) {
      const job = await this.outbox.getJob(e.jobRequestId);
      if (job?.channel)
        await this.outbox.send({
          kind: 'post',
          channel: job.channel,
          payload: { text: `${alertText(e.state)}\n${e.state.text}` },
          threadOf: e.jobRequestId,
        });
    }
    this.wake();
  }

  /** Guest notices reach Slack as alerts (the notifier hands them to its AlertManager). */
  async guest(_n: GuestNotice): Promise<void> {}

  /** A line for the thread: each new step with its time into the job, retries and the outcome. */
  private logLine(v: JobView, n: JobNotice): string | undefined {
    const at = v.startedAt !== undefined ? `+${formatDuration(Math.max(0, n.at - v.startedAt))} ` : '';
    const seen = this.lastStep.has(v.requestId);
    switch (n.phase) {
      case 'running':
      case 'progress': {
        if (!n.step || this.lastStep.get(v.requestId) === n.step) return undefined;
        this.lastStep.set(v.requestId, n.step);
        if (this.lastStep.size > MAX_TRACKED) this.lastStep.delete(this.lastStep.keys().next().value!);
        return `${at}${n.step}`;
      }
      case 'retrying':
        this.lastStep.set(v.requestId, '');
        return `${at}attempt ${n.attempt ?? 1} failed: ${n.error?.message ?? 'unknown error'}; retrying${detail(n)}`;
      case 'failed':
        if (!seen && !n.error?.detail) return undefined;
        return `${at}failed: ${n.error?.message ?? 'unknown error'}${detail(n)}`;
      case 'cancelled':
        return seen ? `${at}cancelled${n.step ? `: ${n.step}` : ''}` : undefined;
      case 'done':
        // A job with no steps logged needs no thread: its message says everything.
        return seen ? `${at}done: ${n.result?.summary ?? ''}` : undefined;
      default:
        return undefined;
    }
  }
}

function detail(n: JobNotice): string {
  return n.error?.detail ? `\n${n.error.detail.slice(0, 1500)}` : '';
}

/**
 * An alert's one message in the outbox (posted, then edited: never final, since an alert can
 * reopen), and a note for its thread. Used by the notifier and by the alert buttons alike.
 */
export async function writeAlert(
  outbox: SlackOutbox,
  config: Config,
  state: AlertState,
  note?: string,
): Promise<void> {
  const channel = alertChannel(config, state);
  if (!channel) return;
  const key = alertKey(state);
  await outbox.updateJob({
    requestId: key,
    payload: { text: alertText(state), blocks: alertBlocks(state, Date.now()) },
    final: false,
    channel,
    user: 'vpsops',
  });
  if (note) await outbox.send({ kind: 'post', channel, payload: { text: note }, threadOf: key }, 'lo');
}
