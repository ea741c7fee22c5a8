/**
 * The Slack chat adapter: what the notifier reports becomes the latest state of one message per
 * job, approval or alert in the outbox (SlackSink), and the flusher writes the outbox to Slack
 * within its budget, only in the process that holds the notifier lease. Listeners on any replica
 * add work to the outbox and wake the holder over pub/sub.
 */
import type { Redis } from 'ioredis';
import type { ChatAdapter } from '../../../bot/adapter.js';
import type { Digest } from '../../../bot/alerts/digest.js';
import type { AlertEvent } from '../../../bot/alerts/manager.js';
import type { Config } from '../../../config/schema.js';
import type { Logger } from '../../../log.js';
import type { AuditSink } from '../../../model/audit.js';
import type { JobView } from '../../../model/job-view.js';
import type { ApprovalNotice, GuestNotice, JobNotice } from '../../../model/notice.js';
import { REQUEST_ID_RE } from '../../../model/request.js';
import { connect } from '../../../store/connection.js';
import type { Keys } from '../../../store/keys.js';
import { digestBlocks } from '../../view/digest.js';
import { SlackBudget } from './budget.js';
import { SlackFlusher } from './flusher.js';
import type { SlackOutbox } from './outbox.js';
import { SlackSink } from './sink.js';
import type { SlackTransport } from './transport.js';

export interface SlackAdapterOptions {
  config: Config;
  keys: Keys;
  outbox: SlackOutbox;
  transport: SlackTransport;
  log: Logger;
  audit?: AuditSink;
}

export class SlackAdapter implements ChatAdapter {
  readonly name = 'slack';
  readonly flusher: SlackFlusher;
  private readonly sink: SlackSink;
  private sub: Redis | undefined;
  /** The workspace's URL (from auth.test), for permalinks in the audit trail. */
  workspaceUrl: string | undefined;

  constructor(private readonly o: SlackAdapterOptions) {
    const log = o.log.child({ component: 'notifier' });
    this.flusher = new SlackFlusher({
      outbox: o.outbox,
      transport: o.transport,
      budget: new SlackBudget(o.config.slack),
      log,
      onPosted: async (requestId, channel, ts) => {
        // Only jobs have permalinks in the audit trail: approval cards and alerts have other keys.
        if (!o.audit || !this.workspaceUrl || !REQUEST_ID_RE.test(requestId)) return;
        const permalink = `${this.workspaceUrl.replace(/\/$/, '')}/archives/${channel}/p${ts.replace('.', '')}`;
        await o.audit.append({ type: 'message', at: Date.now(), requestId, channel, permalink });
      },
    });
    this.sink = new SlackSink(o.outbox, o.config, () => this.flusher.wake());
  }

  /** Listens for work other replicas put in the outbox (it matters once this one leads). */
  async start(): Promise<void> {
    this.sub = connect({ url: this.o.config.redis.url, blocking: true, log: this.o.log });
    this.sub.on('message', () => this.flusher.wake());
    await this.sub.subscribe(this.o.keys.slackWake);
  }

  async close(): Promise<void> {
    await this.flusher.stop();
    this.sub?.disconnect();
  }

  job(view: JobView, notice: JobNotice): Promise<void> {
    return this.sink.job(view, notice);
  }

  approval(notice: ApprovalNotice): Promise<void> {
    return this.sink.approval(notice);
  }

  alert(event: AlertEvent): Promise<void> {
    return this.sink.alert(event);
  }

  guest(notice: GuestNotice): Promise<void> {
    return this.sink.guest(notice);
  }

  async digest(d: Digest): Promise<void> {
    const channel = this.o.config.alerts.digest.channel;
    if (!channel) return;
    await this.o.outbox.send(
      { kind: 'post', channel, payload: { text: 'vpsops daily digest', blocks: digestBlocks(d) } },
      'lo',
    );
  }

  async lead(): Promise<void> {
    this.flusher.start();
  }

  async follow(): Promise<void> {
    await this.flusher.stop();
  }
}
