/**
 * The path of one command, shared by every chat adapter and `vpsops exec`: parse → rate limit →
 * policy (deny by default) → resolve within what the caller may see → prepare → audit → answer
 * from Redis, ask for approval, or sign and enqueue. Nothing here waits on a hypervisor, so chat
 * adapters can ack at once; nothing runs unaudited.
 */

import { escapeMrkdwn, section } from '../chat/view/blocks.js';
import { errorReply, infoReply } from '../chat/view/messages.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { OpError, toOpError } from '../model/errors.js';
import type { Reply } from '../model/reply.js';
import { parseCommand } from '../ops/grammar.js';
import type { OperationDef, ResolvedTarget } from '../ops/operation.js';
import type { BotServices } from '../ops/services.js';
import type { AlertStore } from '../store/alerts.js';
import type { ApprovalStore } from '../store/approvals.js';
import { auditFields, type CommandEntry } from '../store/audit.js';
import type { FleetStore } from '../store/fleet.js';
import type { InventorySource } from '../store/inventory-cache.js';
import type { JobStore } from '../store/jobs.js';
import { Keys } from '../store/keys.js';
import type { NotifyPublisher } from '../store/notify.js';
import { type LimitKind, limitKind, type PeopleLimits } from '../store/people-limits.js';
import { MaintenanceCache } from './alerts/maintenance-cache.js';
import { ApprovalFlow } from './approvals.js';
import { admissionProblem, claimRetry, prepareArgs, retryable } from './dispatch-helpers.js';
import { buildRequest, submit, targetLabel } from './enqueue.js';
import type { AuditSink } from './policy/access.js';
import { checkDecision, hiddenGuest, visibleInventory } from './policy/checks.js';
import { type AccessPolicy, isShrink, type Subject } from './policy/policy.js';
import { resolveTarget } from './resolve.js';

export interface CommandInput {
  /** Text after `/vps` (a leading `/vps` is accepted too). */
  text: string;
  user: string;
  channel?: string;
  /** The user's Slack user groups, for policy grants to groups. */
  usergroups?: string[];
  /** terminal | slack | exec */
  origin: string;
  /** Stable id from the chat platform, so a retried delivery is not run twice. */
  requestId?: string;
}

export interface DispatcherDeps {
  config: Config;
  catalogue: ReadonlyMap<string, OperationDef>;
  fleet: FleetStore;
  /** Index of guest names for resolution; defaults to reading the fleet store each time. */
  guestIndex?: InventorySource;
  jobs: JobStore;
  jobKey: string;
  log: Logger;
  access: AccessPolicy;
  audit: AuditSink;
  approvals: ApprovalStore;
  notify: NotifyPublisher;
  limits?: PeopleLimits;
  /** Alerts, silences and maintenance windows; operations on a host in maintenance are for admins. */
  alerts?: AlertStore;
  now?: () => number;
}

export class Dispatcher {
  private readonly services: BotServices;
  readonly approvals: ApprovalFlow;
  private readonly now: () => number;
  private maintenance: MaintenanceCache | undefined;
  private readonly auditKey: string;

  constructor(private readonly deps: DispatcherDeps) {
    this.now = deps.now ?? Date.now;
    this.auditKey = new Keys(deps.config.redis.prefix).audit;
    const guestIndex = deps.guestIndex ?? deps.fleet;
    this.approvals = new ApprovalFlow({
      store: deps.approvals,
      notify: deps.notify,
      audit: deps.audit,
      inventory: guestIndex,
      mayApprove: (d, host, guest) => deps.access.mayApprove(subject(d), host, guest),
      canSee: (d, host, guest) =>
        guest ? deps.access.canSee(subject(d), host, guest) : deps.access.canSeeHost(subject(d), host),
      submit: (request) => submit(deps, request, deps.catalogue.get(request.op)!),
      now: this.now,
    });
    this.services = {
      fleet: deps.fleet,
      guestIndex,
      jobs: deps.jobs,
      catalogue: deps.catalogue,
      hostNames: Object.keys(deps.config.hosts),
      now: this.now,
      audit: deps.audit as BotServices['audit'],
      approvals: this.approvals,
      ...(deps.alerts ? { alerts: deps.alerts } : {}),
    };
    if (deps.alerts) this.maintenance = new MaintenanceCache(deps.alerts.silences, this.now);
  }

  /** Runs one command to its reply. Never throws: every failure becomes an error reply. */
  async dispatch(input: CommandInput): Promise<Reply> {
    const entry: Partial<CommandEntry> = {};
    try {
      return await this.handle(input, entry);
    } catch (err) {
      const e = toOpError(err);
      if (e.code === 'INTERNAL')
        this.deps.log.error({ err, text: input.text, user: input.user }, 'command failed');
      return this.refused(input, entry, e);
    }
  }

  /**
   * Runs a failed job again as a new request by `input.user` (the Retry button): the same
   * operation, target and arguments, checked against the policy and signed anew.
   */
  async retry(jobId: string, input: Omit<CommandInput, 'text'>): Promise<Reply> {
    const entry: Partial<CommandEntry> = {};
    const text = `retry ${jobId}`;
    try {
      const { found, op } = await retryable(this.deps, jobId);
      const r = found.job.data.request;
      entry.op = op.name;
      entry.host = r.host;
      const who = subject(input);
      checkDecision(this.deps.access.decide({ ...who, op, host: r.host, ...guest(r.target) }), r.target);
      const requestId = await claimRetry(this.deps.jobs, jobId);
      const request = buildRequest({ ...input, requestId }, op, r.target, r.args, this.now());
      return await this.run({ ...input, text }, entry, op, request);
    } catch (err) {
      return this.refused({ ...input, text }, entry, toOpError(err));
    }
  }

  private async handle(input: CommandInput, entry: Partial<CommandEntry>): Promise<Reply> {
    const cmd = parseCommand(input.text, this.deps.catalogue);
    const { op } = cmd;
    entry.op = op.name;
    const who = subject(input);
    // The verb first (channel lists, no role at all), before resolution could reveal anything.
    // Help is always answered: it lists what the caller may run, which may be nothing.
    if (op.name !== 'help') checkDecision(this.deps.access.decide({ ...who, op }));
    const live = !op.answer || (op.live?.(cmd.args) ?? false);
    const visible = (h: string, g?: string) =>
      g === undefined ? this.deps.access.canSeeHost(who, h) : this.deps.access.canSee(who, h, g);
    const inventory = visibleInventory(this.services.guestIndex, visible);
    const target = await resolveTarget(cmd, { inventory, hostNames: this.services.hostNames }, live);
    if (target.host) entry.host = target.host;
    const scope = await this.scopeOf(op, target);
    const d =
      op.name === 'help'
        ? ({ allow: true, grant: 'help' } as const)
        : this.deps.access.decide({ ...who, op, ...scope });
    if (!d.allow && d.hidden && scope.guest) throw hiddenGuest(scope.guest);
    checkDecision(d, target);
    if (scope.guest) entry.target = scope.guest;
    if (op.risk !== 'read' && op.name !== 'maintenance' && scope.host)
      await this.checkMaintenance(who, scope);
    const args = prepareArgs(cmd, this.deps.config);
    if (!live) {
      await this.audit(input, entry, 'answered', undefined, limitKind(op));
      if (op.name === 'maintenance') this.maintenance?.invalidate();
      return await op.answer!({
        target,
        args,
        user: input.user,
        config: this.deps.config,
        // Only help lists what the caller may run; no other read needs it worked out.
        services: {
          ...this.services,
          visible,
          ...(op.name === 'help'
            ? { allowedVerbs: new Set(this.deps.access.allowedVerbs(who, this.deps.catalogue.values())) }
            : {}),
        },
        ...(input.channel ? { channel: input.channel } : {}),
        ...(input.usergroups ? { usergroups: input.usergroups } : {}),
      });
    }
    return this.run(input, entry, op, buildRequest(input, op, target, args, this.now()));
  }

  /** A job: straight to the queue, or to the approvers first. */
  private async run(
    input: CommandInput,
    entry: Partial<CommandEntry>,
    op: OperationDef,
    request: ReturnType<typeof buildRequest>,
  ): Promise<Reply> {
    entry.requestId = request.id;
    const shrink = op.name === 'resize' && (await this.shrinks(request));
    // Admission: a create or resize past the host's critical overcommit ratio needs approval.
    const over = await admissionProblem(this.deps, op, request);
    const { access } = this.deps;
    if (!over && !access.needsApproval(op, { shrink })) {
      await this.audit(input, entry, 'queued', undefined, limitKind(op));
      return submit(this.deps, request, op);
    }
    const why =
      op.risk === 'destructive'
        ? `${op.name} is destructive`
        : over
          ? over
          : shrink
            ? 'the resize shrinks the guest'
            : `the access policy requires approval for ${op.name}`;
    entry.approvalId = request.id;
    await this.audit(input, entry, 'approval-requested', undefined, limitKind(op));
    const cardChannel = access.approvalsChannel ?? input.channel;
    const r = await this.approvals.request({
      request,
      why,
      quorum: access.quorum(op),
      expiryMs: access.expiryMs,
      ...(cardChannel ? { cardChannel } : {}),
    });
    const where = access.approvalsChannel ? ` in <#${access.approvalsChannel}>` : ' here';
    const text = `⏳ ${op.name} ${targetLabel(request.target)} on ${request.host} needs approval (${why}). It waits for ${r.quorum === 1 ? 'an approver' : `${r.quorum} approvers`}${where} until ${new Date(r.expiresAt).toISOString()}; request \`${r.id}\`, see /vps pending.`;
    return {
      ...infoReply(text, [section(escapeMrkdwn(text).replace(/&lt;#(\w+)&gt;/, '<#$1>'))]),
      approvalId: r.id,
    };
  }

  /** A host in maintenance takes operations from its admins only. */
  private async checkMaintenance(who: Subject, scope: { host?: string; guest?: string }): Promise<void> {
    const w = scope.host ? await this.maintenance?.of(scope.host) : undefined;
    if (!w) return;
    const admin = this.deps.access.decide({ ...who, op: { name: 'maintenance', risk: 'change' }, ...scope });
    if (admin.allow) return;
    throw new OpError(
      'DENIED',
      `${w.host} is in maintenance until ${new Date(w.until).toISOString()}${w.reason ? ` (${w.reason})` : ''}, started by ${w.by}: only its admins may operate it now.`,
      { hint: 'Reads still work; /vps alerts shows the window.' },
    );
  }

  /** The host and guest the policy judges: for cancel, those of the job; for create, the new name. */
  private async scopeOf(op: OperationDef, t: ResolvedTarget): Promise<{ host?: string; guest?: string }> {
    if (op.name === 'cancel' && t.word) {
      const found = await this.deps.jobs.find(t.word);
      if (found) return { host: found.host, ...guest(found.job.data.request.target) };
    }
    return { ...(t.host ? { host: t.host } : {}), ...guest(t) };
  }

  private async shrinks(request: ReturnType<typeof buildRequest>): Promise<boolean> {
    const inv = (await this.services.guestIndex.inventories([request.host])).get(request.host);
    const g = inv?.guests.find((x) => x.id === request.target.guestId);
    return g ? isShrink(g, request.args as { vcpus?: number; memory?: number; disk?: number }) : false;
  }

  /**
   * Appends the command's audit entry. With `kind`, the person's and the channel's rate limits are
   * counted in the same round trip, and nothing is appended (RATE_LIMITED) when they are over.
   */
  private async audit(
    input: CommandInput,
    entry: Partial<CommandEntry>,
    outcome: CommandEntry['outcome'],
    e?: OpError,
    kind?: LimitKind,
  ): Promise<void> {
    const record = {
      type: 'command',
      at: this.now(),
      user: input.user,
      origin: input.origin,
      text: input.text,
      outcome,
      ...(input.channel ? { channel: input.channel } : {}),
      ...entry,
      ...(e ? { reason: e.userMessage, code: e.code } : {}),
    } as CommandEntry;
    const limits = this.deps.limits;
    if (kind && limits)
      return limits.takeAndAudit(kind, input.user, input.channel, this.auditKey, auditFields(record));
    await this.deps.audit.append(record);
  }

  /** A refusal is audited too; if even that fails, say so instead. */
  private async refused(input: CommandInput, entry: Partial<CommandEntry>, e: OpError): Promise<Reply> {
    const outcome = e.code === 'DENIED' ? 'denied' : e.code === 'RATE_LIMITED' ? 'rate-limited' : 'refused';
    try {
      await this.audit(input, entry, outcome, e);
    } catch (err) {
      return errorReply(toOpError(err));
    }
    return errorReply(e);
  }
}

export { targetLabel };

function subject(d: { user: string; usergroups?: string[]; channel?: string }): Subject {
  return { user: d.user, usergroups: d.usergroups ?? [], ...(d.channel ? { channel: d.channel } : {}) };
}

function guest(t: ResolvedTarget): { guest?: string } {
  const g = t.guestName ?? (t.kind === 'new-guest' ? t.word : undefined);
  return g ? { guest: g } : {};
}
