/**
 * The notify queue: everything a worker wants said in chat (job progress and outcome, guest
 * events). Workers only write to it; the bot's notifier is its only reader.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { NOTIFY_QUEUE } from './keys.js';

export type {
  ApprovalNotice,
  GuestNotice,
  JobNotice,
  JobPhase,
  Notice,
  PressureNotice,
} from '../model/notice.js';

import type { Notice } from '../model/notice.js';

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
