/**
 * Parse the command against the catalogue (or reload the failed job a Retry runs again), then ask
 * the policy whether the caller may run this verb at all (channel verb lists, any role), before
 * resolving anything that could reveal a guest.
 */
import { OpError } from '../../../model/errors.js';
import { verify } from '../../../model/signing.js';
import { type ParsedCommand, parseCommand } from '../../../ops/grammar.js';
import { checkDecision } from '../../policy/checks.js';
import { commandOf } from '../command-of.js';
import type { PipelineDeps, Stage } from '../context.js';

export const parse: Stage = async (ctx, d) => {
  const { entry } = ctx;
  ctx.cmd =
    entry.parsed ?? (entry.retryOf ? await retried(entry.retryOf, d) : parseCommand(entry.text, d.catalogue));
  ctx.audit.op = ctx.cmd.op.name;
};

export const permit: Stage = (ctx, d) => {
  const op = ctx.cmd!.op;
  if (op.role === 'anyone') return;
  checkDecision(d.access.decide({ ...ctx.who, op }));
};

/** The command of a failed job, once its stored data proves to be what the bot signed. */
async function retried(jobId: string, d: PipelineDeps): Promise<ParsedCommand> {
  const found = await d.jobs.find(jobId);
  if (!found)
    throw new OpError('JOB_NOT_FOUND', `Job ${jobId} is no longer kept, so it cannot be retried.`, {
      hint: 'Run the command again.',
    });
  if (!verify(found.job.data, d.jobKey)) {
    d.log.warn({ security: true, jobId }, 'refused to retry a job whose data does not match its signature');
    throw new OpError('SIGNATURE', `Job ${jobId} was altered after it was signed, so it cannot be retried.`);
  }
  const request = found.job.data.request;
  const op = d.catalogue.get(request.op);
  if (!op) throw new OpError('BAD_INPUT', `This version of vpsops has no operation "${request.op}".`);
  if (found.state !== 'failed')
    throw new OpError(
      'BAD_INPUT',
      `Job ${jobId} did not fail (it is ${found.state}); there is nothing to retry.`,
    );
  return commandOf(request, op);
}
