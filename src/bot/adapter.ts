/**
 * The chat adapter interface, as Hubot's Adapter and Botkube's notifiers: what a chat (Slack, the
 * terminal) does with what the fleet reports. The notifier holds the lease and serves every adapter
 * that runs in its process; adapters only draw and deliver.
 */
import type { JobView } from '../model/job-view.js';
import type { ApprovalNotice, GuestNotice, JobNotice } from '../model/notice.js';
import type { Digest } from './alerts/digest.js';
import type { AlertEvent } from './alerts/manager.js';

export interface ChatAdapter {
  /** For logs: slack, terminal. */
  readonly name: string;
  /** A job's message changed (queued, running, done…): post it or update it in place. */
  job(view: JobView, notice: JobNotice): Promise<void>;
  /** An approval card to post or update. */
  approval(notice: ApprovalNotice): Promise<void>;
  /** An alert to post, update or resolve. */
  alert(event: AlertEvent): Promise<void>;
  /** A guest event as it is, when no alert manager turns it into an alert. */
  guest(notice: GuestNotice): Promise<void>;
  /** The daily digest, for adapters that post one. */
  digest?(d: Digest): Promise<void>;
  /** This process now holds the notifier lease: start delivering (e.g. Slack's flusher). */
  lead?(): Promise<void>;
  /** It no longer does: stop delivering at once. */
  follow?(): Promise<void>;
}

/** One sink that hands every notice to each adapter in turn. */
export function fanOut(adapters: readonly ChatAdapter[]): Omit<ChatAdapter, 'name' | 'lead' | 'follow'> {
  const each = async (f: (a: ChatAdapter) => Promise<void> | undefined) => {
    for (const a of adapters) await f(a);
  };
  return {
    job: (v, n) => each((a) => a.job(v, n)),
    approval: (n) => each((a) => a.approval(n)),
    alert: (e) => each((a) => a.alert(e)),
    guest: (n) => each((a) => a.guest(n)),
    digest: (d) => each((a) => a.digest?.(d)),
  };
}
