/**
 * `vpsops exec "/vps start 101" --as alice`: one command through the same path as chat, waiting
 * for the outcome. Exit status: 0 done, 1 failed or cancelled, 2 refused (bad input, not allowed),
 * 3 no outcome within --timeout.
 */
import { QueueEvents } from 'bullmq';
import { catalogue } from '../../jobs/index.js';
import { createBotCore } from '../bot.js';
import { type JobView, jobBlocks } from '../chat/job-message.js';
import { renderBlocks } from '../chat/render.js';
import { targetLabel } from '../core/enqueue.js';
import { isErrorCode, type SerializedError } from '../core/errors.js';
import type { RunResult } from '../core/operation.js';
import { parseDuration } from '../core/units.js';
import { connect } from '../queue/connection.js';
import { hostQueueName } from '../queue/keys.js';
import { fail, setup } from './common.js';
import { usageError } from './exit-codes.js';

export interface ExecOpts {
  command?: string;
  as?: string;
  channel?: string;
  timeout?: string;
  wait: boolean;
}

/** Runs one command to its outcome, prints it and exits with its status. */
export async function execMain(o: ExecOpts): Promise<void> {
  if (!o.command || !o.as) throw usageError('exec', 'a command and --as USER are required');
  const { config, log } = setup();
  const timeoutMs = o.timeout ? parseDuration(o.timeout) : config.jobs.execTimeout;
  if (!timeoutMs) throw usageError('exec', `--timeout: "${o.timeout}" is not a duration like 90s or 10m`);
  const core = createBotCore(config, log);
  let status = 0;
  try {
    const reply = await core.dispatcher.dispatch({
      text: o.command,
      user: o.as,
      origin: 'exec',
      ...(o.channel ? { channel: o.channel } : {}),
    });
    console.log(renderBlocks(reply.blocks));
    if (!reply.ok) status = 2;
    else if (reply.approvalId) status = 4;
    else if (reply.jobId && reply.host && o.wait)
      status = await waitForOutcome(core, reply.jobId, reply.host, timeoutMs);
  } catch (err) {
    await core.close();
    fail(err);
  }
  await core.close();
  process.exit(status);
}

async function waitForOutcome(
  core: ReturnType<typeof createBotCore>,
  id: string,
  host: string,
  timeoutMs: number,
): Promise<number> {
  const events = new QueueEvents(hostQueueName(host), {
    connection: connect({ url: core.config.redis.url, blocking: true }),
    prefix: core.keys.prefix,
  });
  await events.waitUntilReady();
  const job = await core.jobs.queue(host).getJob(id);
  try {
    if (!job) return 0; // cancelled before it started, already reported
    const r = job.data.request;
    const view: JobView = {
      requestId: id,
      op: r.op,
      host,
      targetLabel: targetLabel(r.target),
      user: r.user,
      phase: 'done',
      pct: 100,
    };
    try {
      const result = (await job.waitUntilFinished(events, timeoutMs)) as RunResult;
      const op = catalogue.get(r.op);
      console.log(renderBlocks(jobBlocks({ ...view, result }, op?.render?.bind(op))));
      return 0;
    } catch (err) {
      const message = (err as Error).message;
      if (/timed out/i.test(message) && !message.startsWith('{')) {
        console.log(`No outcome within ${Math.round(timeoutMs / 1000)}s; the job goes on (see /vps jobs).`);
        return 3;
      }
      const e = parseReason(message);
      console.log(
        renderBlocks(
          jobBlocks({
            ...view,
            phase: e.code === 'CANCELLED' ? 'cancelled' : 'failed',
            error: e,
            step: e.message,
          }),
        ),
      );
      return 1;
    }
  } finally {
    await events.close();
  }
}

/** Failed jobs carry the serialized OpError as their reason. */
function parseReason(reason: string): SerializedError {
  try {
    const e = JSON.parse(reason) as SerializedError;
    if (isErrorCode(e.code)) return e;
  } catch {
    // a reason that is not ours
  }
  return { code: 'INTERNAL', message: reason, retryable: false };
}
