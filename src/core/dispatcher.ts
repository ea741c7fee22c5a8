/**
 * The path of one command, shared by every chat adapter and `vpsops exec`:
 * parse → resolve → authorize → prepare → answer from Redis, or sign and enqueue on the host's queue.
 * Nothing here waits on a hypervisor, so chat adapters can ack at once.
 */
import { type Block, context } from '../chat/blocks.js';
import { type JobView, jobBlocks } from '../chat/job-message.js';
import { errorReply } from '../chat/messages.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { FleetStore } from '../queue/fleet.js';
import type { InventorySource } from '../queue/inventory-cache.js';
import type { JobStore } from '../queue/jobs.js';
import { OpError, toOpError } from './errors.js';
import { type ParsedCommand, parseCommand } from './grammar.js';
import type { ArgValues, OperationDef, ResolvedTarget } from './operation.js';
import type { Reply } from './reply.js';
import { type JobRequest, newRequestId } from './request.js';
import { resolveTarget } from './resolve.js';
import type { BotServices } from './services.js';
import { sign } from './signing.js';
import { formatSize } from './units.js';

export interface CommandInput {
  /** Text after `/vps` (a leading `/vps` is accepted too). */
  text: string;
  user: string;
  channel?: string;
  /** terminal | slack | exec */
  origin: string;
  /** Stable id from the chat platform, so a retried delivery is not run twice. */
  requestId?: string;
}

/** Decides whether a user may run an operation on a target; throws OpError DENIED when not. */
export type Authorizer = (req: {
  user: string;
  channel?: string;
  op: OperationDef;
  target: ResolvedTarget;
}) => Promise<void>;

export interface DispatcherDeps {
  config: Config;
  catalogue: ReadonlyMap<string, OperationDef>;
  fleet: FleetStore;
  /** Index of guest names for resolution; defaults to reading the fleet store each time. */
  guestIndex?: InventorySource;
  jobs: JobStore;
  jobKey: string;
  log: Logger;
  authorize: Authorizer;
  now?: () => number;
}

export class Dispatcher {
  private readonly services: BotServices;

  constructor(private readonly deps: DispatcherDeps) {
    this.services = {
      fleet: deps.fleet,
      guestIndex: deps.guestIndex ?? deps.fleet,
      jobs: deps.jobs,
      catalogue: deps.catalogue,
      hostNames: Object.keys(deps.config.hosts),
      now: deps.now ?? Date.now,
    };
  }

  /** Runs one command to its reply. Never throws: every failure becomes an error reply. */
  async dispatch(input: CommandInput): Promise<Reply> {
    try {
      return await this.handle(input);
    } catch (err) {
      const e = toOpError(err);
      if (e.code === 'INTERNAL')
        this.deps.log.error({ err, text: input.text, user: input.user }, 'command failed');
      return errorReply(e);
    }
  }

  /**
   * Runs a failed job again as a new request by `input.user` (the Retry button): the same
   * operation, target and arguments, checked and signed anew.
   */
  async retry(jobId: string, input: Omit<CommandInput, 'text'>): Promise<Reply> {
    try {
      const found = await this.deps.jobs.find(jobId);
      if (!found)
        throw new OpError('JOB_NOT_FOUND', `Job ${jobId} is no longer kept, so it cannot be retried.`, {
          hint: 'Run the command again.',
        });
      const r = found.job.data.request;
      const op = this.deps.catalogue.get(r.op);
      if (!op) throw new OpError('BAD_INPUT', `This version of vpsops has no operation "${r.op}".`);
      if (found.state !== 'failed')
        throw new OpError(
          'BAD_INPUT',
          `Job ${jobId} did not fail (it is ${found.state}); there is nothing to retry.`,
        );
      await this.deps.authorize({
        user: input.user,
        op,
        target: r.target,
        ...(input.channel ? { channel: input.channel } : {}),
      });
      const requestId = newRequestId();
      const holder = await this.deps.jobs.claimRetry(jobId, requestId);
      if (holder !== requestId)
        throw new OpError('BAD_INPUT', `Job ${jobId} was already retried as job ${holder}.`, {
          hint: 'See /vps jobs for how that one went.',
        });
      return await this.enqueue({ ...input, requestId }, op, r.target, r.args);
    } catch (err) {
      return errorReply(toOpError(err));
    }
  }

  private async handle(input: CommandInput): Promise<Reply> {
    const cmd = parseCommand(input.text, this.deps.catalogue);
    const { op } = cmd;
    const live = !op.answer || (op.live?.(cmd.args) ?? false);
    const target = await resolveTarget(
      cmd,
      { inventory: this.services.guestIndex, hostNames: this.services.hostNames },
      live,
    );
    await this.deps.authorize({
      user: input.user,
      op,
      target,
      ...(input.channel ? { channel: input.channel } : {}),
    });
    const args = this.prepare(cmd);
    if (!live) {
      return await op.answer!({
        target,
        args,
        user: input.user,
        config: this.deps.config,
        services: this.services,
      });
    }
    return this.enqueue(input, op, target, args);
  }

  private prepare(cmd: ParsedCommand): ArgValues {
    const args = cmd.op.prepare
      ? cmd.op.prepare({ args: cmd.args, given: cmd.given, config: this.deps.config })
      : cmd.args;
    for (const [key, spec] of Object.entries(cmd.op.args)) {
      const v = args[key];
      if (!spec.limit || typeof v !== 'number') continue;
      const { min, max } = this.deps.config.limits[spec.limit];
      const show = spec.limit === 'vcpus' ? String : formatSize;
      if (v < min || v > max) {
        throw new OpError(
          'BAD_INPUT',
          `${key}=${show(v)} is out of range: the fleet allows ${show(min)} to ${show(max)}.`,
          {
            hint: `Limits are set under limits.${spec.limit} in the config.`,
            field: key,
          },
        );
      }
    }
    return args;
  }

  private async enqueue(
    input: Omit<CommandInput, 'text'>,
    op: OperationDef,
    target: ResolvedTarget,
    args: ArgValues,
  ): Promise<Reply> {
    const host = target.host;
    if (!host) throw new OpError('INTERNAL', `${op.name}: no host resolved`);
    const request: JobRequest = {
      v: 1,
      id: input.requestId ?? newRequestId(),
      op: op.name,
      host,
      target,
      args,
      user: input.user,
      origin: input.origin,
      issuedAt: this.services.now(),
      ...(input.channel ? { channel: input.channel } : {}),
    };
    // The liveness check rides along with the add, so it costs the ack no extra time.
    const [, up] = await Promise.all([
      this.deps.jobs.enqueue(sign(request, this.deps.jobKey), op),
      this.deps.fleet.isUp(host),
    ]);
    const view: JobView = {
      requestId: request.id,
      op: op.name,
      host,
      targetLabel: targetLabel(target),
      user: input.user,
      phase: 'queued',
      pct: 0,
    };
    return {
      ok: true,
      ephemeral: false,
      text: `${op.name} queued as job ${request.id}`,
      blocks: queuedBlocks(view, up),
      job: { view, hostUp: up },
      jobId: request.id,
      host,
    };
  }
}

/** A queued job's message; a host that is not reporting gets a warning under the status line. */
export function queuedBlocks(view: JobView, hostUp: boolean): Block[] {
  const blocks = jobBlocks(view);
  if (!hostUp)
    blocks.splice(
      1,
      0,
      context(`⚠️ ${view.host} is not reporting; the job runs when its worker is back (see /vps hosts).`),
    );
  return blocks;
}

/** `web-1 (101)`, the new guest's name, or the host. */
export function targetLabel(t: ResolvedTarget): string {
  if (t.guestName !== undefined)
    return t.guestName !== t.guestId ? `${t.guestName} (${t.guestId})` : t.guestName;
  return t.word ?? t.host ?? '';
}

/** Until access control lands, every user may run everything; deployments must not rely on it. */
export const allowAll: Authorizer = async () => {};
