/**
 * `vpsops exec "/vps start 101" --as alice`: one command through the same path as chat, waiting
 * for the outcome. stdout is only the reply (or, with --json, one JSON object); logs go to stderr.
 * Exit statuses are in exit-codes.ts.
 */
import { QueueEvents } from 'bullmq';
import { pino } from 'pino';
import { createBotCore } from '../bot/core.js';
import { type JobView, jobBlocks } from '../chat/view/job-message.js';
import { replyBlocks } from '../chat/view/reply.js';
import { renderBlocks } from '../chat/view/text.js';
import { decodeFailure } from '../model/failure.js';
import { targetLabel } from '../model/request.js';
import { checkJobKey } from '../model/signing.js';
import { parseDuration } from '../model/units.js';
import type { RunResult } from '../ops/operation.js';
import { connect } from '../store/connection.js';
import { hostQueueName } from '../store/keys.js';
import { requireRedis, setup } from './common.js';
import { execOutcome, type JobEnd } from './exec-outcome.js';
import { usageError } from './exit-codes.js';

export interface ExecOpts {
  command?: string;
  as?: string;
  channel?: string;
  timeout?: string;
  wait: boolean;
  /** Print the outcome as one JSON object instead of the reply. */
  json: boolean;
}

type Core = ReturnType<typeof createBotCore>;

/** Runs one command to its outcome, prints it and exits with its status. */
export async function execMain(o: ExecOpts): Promise<void> {
  if (!o.command || !o.as) throw usageError('exec', 'a command and --as USER are required');
  const timeoutMs = o.timeout ? parseDuration(o.timeout) : undefined;
  if (o.timeout && !timeoutMs)
    throw usageError('exec', `--timeout: "${o.timeout}" is not a duration like 90s or 10m`);
  const { config, log } = setup({}, pino.destination(2));
  // A missing key is a configuration error even when Redis is down too.
  checkJobKey(config.secrets.jobKey);
  await requireRedis(config.redis.url);
  const core = createBotCore(config, log);
  // Without --json the reply is printed at once, so a long job shows that it was queued.
  const say = o.json ? () => {} : (text: string) => console.log(text);
  const reply = await core.pipeline.dispatch({
    text: o.command,
    user: o.as,
    origin: 'exec',
    ...(o.channel ? { channel: o.channel } : {}),
  });
  const replyText = renderBlocks(replyBlocks(reply));
  say(replyText);
  let end: JobEnd | undefined;
  if (reply.ok && !reply.approvalId && reply.jobId && reply.host && o.wait) {
    end = await waitForEnd(core, reply.jobId, reply.host, timeoutMs ?? config.jobs.execTimeout);
    say(end.text);
  }
  const outcome = execOutcome(reply, replyText, end);
  if (o.json) console.log(JSON.stringify(outcome));
  await core.close();
  process.exit(outcome.exitCode);
}

/** Waits for the job to finish, fail or be cancelled, for at most timeoutMs. */
async function waitForEnd(core: Core, id: string, host: string, timeoutMs: number): Promise<JobEnd> {
  const events = new QueueEvents(hostQueueName(host), {
    connection: connect({ url: core.config.redis.url, blocking: true }),
    prefix: core.keys.prefix,
  });
  await events.waitUntilReady();
  const job = await core.jobs.queue(host).getJob(id);
  try {
    // A waiting job is removed when it is cancelled; the cancel already told the channel.
    if (!job) return { status: 'cancelled', text: `Job ${id} was cancelled before it started.` };
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
    let timer: NodeJS.Timeout | undefined;
    // Our own timer rather than BullMQ's ttl, whose expiry is known only by its message text.
    const timedOut = new Promise<undefined>((res) => {
      timer = setTimeout(() => res(undefined), timeoutMs);
    });
    const finished = job.waitUntilFinished(events).then(
      (result: RunResult) => ({ result }),
      // BullMQ hands back the failed reason as the error's message; the codec reads it.
      (err: Error) => ({ error: decodeFailure(err.message) }),
    );
    const end = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (!end)
      return {
        status: 'timeout',
        text: `No outcome within ${Math.round(timeoutMs / 1000)}s; the job goes on (see /vps jobs).`,
      };
    if ('result' in end) {
      const text = renderBlocks(jobBlocks({ ...view, result: end.result }));
      return { status: 'done', text, result: end.result };
    }
    const e = end.error;
    const phase = e.code === 'CANCELLED' ? 'cancelled' : 'failed';
    const text = renderBlocks(jobBlocks({ ...view, phase, error: e, step: e.message }));
    return { status: phase, text, error: e };
  } finally {
    await events.close();
  }
}
