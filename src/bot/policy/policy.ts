/**
 * Who may run what, where: the access policy engine. Deny by default; each grant gives its roles
 * within its own scope (host groups, guest globs), and scopes never mix between grants.
 * Pure: no I/O, no clock. The document and its schema are in schema.ts.
 */
import {
  type Grant,
  globToRegExp,
  type OpRef,
  type Policy,
  type Role,
  requiredRole,
  satisfies,
} from './schema.js';

export type { Grant, OpRef, Policy, Role } from './schema.js';
export {
  GLOB_RE,
  globToRegExp,
  OPEN_POLICY_FOR_DEMO,
  parsePolicy,
  policySchema,
  ROLES,
  requiredRole,
  SATISFIES,
  satisfies,
  verbsOfRole,
} from './schema.js';

/** Who is asking, and from where. */
export interface Subject {
  user: string;
  usergroups: readonly string[];
  /** Absent for callers with no channel (exec); channel verb lists and channel grants then do not apply. */
  channel?: string;
}

/**
 * A request to decide. Pass the host and guest whenever they are known (for `cancel`, those of
 * the job; for `create`, the new name and the chosen host): a dimension left out is not checked.
 */
export interface AccessRequest extends Subject {
  op: OpRef;
  host?: string;
  guest?: string;
}

/**
 * `hidden` means no role of any kind covers the target: answer "no such guest" rather than
 * revealing it exists. `rule` names the channel list or grants that decided, or 'default deny'.
 */
export type Decision =
  | { allow: true; grant: string }
  | { allow: false; reason: string; rule: string; hidden?: boolean };

/** What a role lets you do, for "you may … web-1". */
const MAY: Record<Role, string> = {
  viewer: 'view',
  operator: 'operate',
  admin: 'administer',
  approver: 'approve requests for',
};

interface CompiledGrant {
  label: string;
  grant: Grant;
  guests?: RegExp[];
  hostGroups?: ReadonlySet<string>;
}

/** The policy, compiled for a fleet: answers every access question the bot asks. */
export class AccessPolicy {
  private readonly grants: CompiledGrant[];

  /** `hostGroups` maps host name to its group (config hosts.<h>.group); see hostGroupsOf. */
  constructor(
    readonly policy: Policy,
    private readonly hostGroups: Readonly<Record<string, string>>,
  ) {
    this.grants = policy.grants.map((grant, i) => {
      const c: CompiledGrant = { label: grant.name ?? `grants[${i}]`, grant };
      if (grant.guests) c.guests = grant.guests.map(globToRegExp);
      if (grant.hostGroups) c.hostGroups = new Set(grant.hostGroups);
      return c;
    });
  }

  get expiryMs(): number {
    return this.policy.approvals.expiryMs;
  }

  /** Where approval cards go; undefined means the requester's channel. */
  get approvalsChannel(): string | undefined {
    return this.policy.approvals.channel;
  }

  /** Host groups the grants name that no configured host is in (likely typos; worth a warning at start). */
  unknownHostGroups(): string[] {
    const known = new Set(Object.values(this.hostGroups));
    const named = this.policy.grants.flatMap((g) => g.hostGroups ?? []);
    return [...new Set(named)].filter((g) => !known.has(g));
  }

  /** Decides one request: the channel's verb list first, then the grants. */
  decide(req: AccessRequest): Decision {
    const channelDenial = this.channelDenial(req.channel, req.op.name);
    if (channelDenial) return channelDenial;
    const mine = this.matching(req);
    if (mine.length === 0) {
      return {
        allow: false,
        reason: 'you have no role in the access policy (default deny)',
        rule: 'default deny',
      };
    }
    const covering = mine.filter((g) => covers(g, this.groupOf(req.host), req.host, req.guest));
    const target = describe(req.host, req.guest);
    if (covering.length === 0) {
      const labels = mine.map((g) => g.label).join(', ');
      return {
        allow: false,
        reason: `none of your grants (${labels}) covers ${target || 'this'} (default deny)`,
        rule: 'default deny',
        hidden: true,
      };
    }
    const need = requiredRole(req.op);
    const allowing = covering.find((g) => g.grant.roles.some((r) => satisfies(r, need)));
    if (allowing) return { allow: true, grant: allowing.label };
    const held = new Set(covering.flatMap((g) => g.grant.roles));
    const forTarget = target ? ` for ${target}` : '';
    return {
      allow: false,
      reason: `you may ${mayPhrase(held)}${target ? ` ${target}` : ''}; ${req.op.name} needs ${need} (no grant gives you ${need}${forTarget})`,
      rule: covering.map((g) => g.label).join(', '),
    };
  }

  /** Whether any role covers the guest: for filtering lists and resolving names. */
  canSee(ctx: Subject, host: string, guest: string): boolean {
    const group = this.groupOf(host);
    return this.matching(ctx).some((g) => covers(g, group, host, guest));
  }

  /** Whether any role covers the host (a grant scoped to guests still sees the hosts of its groups). */
  canSeeHost(ctx: Subject, host: string): boolean {
    const group = this.groupOf(host);
    return this.matching(ctx).some((g) => covers(g, group, host, undefined));
  }

  /** The verbs the caller may run somewhere, in the given order, respecting the channel's verb list (for help). */
  allowedVerbs(ctx: Subject, verbs: Iterable<OpRef>): string[] {
    const held = new Set(this.matching(ctx).flatMap((g) => g.grant.roles));
    return [...verbs]
      .filter((op) => !this.channelDenial(ctx.channel, op.name))
      .filter((op) => op.role === 'anyone' || [...held].some((r) => satisfies(r, op.role)))
      .map((op) => op.name);
  }

  /** Whether the caller holds approver for the target. Channel verb lists do not apply to approval buttons. */
  mayApprove(ctx: Subject, host: string, guest?: string): { allow: boolean; reason?: string } {
    const group = this.groupOf(host);
    const ok = this.matching(ctx).some(
      (g) => g.grant.roles.includes('approver') && covers(g, group, host, guest),
    );
    if (ok) return { allow: true };
    return { allow: false, reason: `no grant makes you an approver for ${describe(host, guest)}` };
  }

  /** Approvals an operation needs before it runs (approvals.quorum, default 1). */
  quorum(op: OpRef): number {
    return this.policy.approvals.quorum[op.name] ?? 1;
  }

  private channelDenial(channel: string | undefined, verb: string): Decision | undefined {
    if (channel === undefined) return undefined;
    const key = Object.hasOwn(this.policy.channels, channel) ? channel : '*';
    const rule = this.policy.channels[key];
    if (!rule || rule.verbs.includes(verb)) return undefined;
    const allows = rule.verbs.length ? `allows ${rule.verbs.join(', ')}` : 'allows no verbs';
    return {
      allow: false,
      reason: `/vps ${verb} is not allowed in this channel (policy channels.${key}: ${allows})`,
      rule: `channels.${key}`,
    };
  }

  /** Grants whose subject matches: the user, one of their user groups, or the channel. */
  private matching(s: Subject): CompiledGrant[] {
    return this.grants.filter(
      ({ grant }) =>
        grant.users.includes('*') ||
        grant.users.includes(s.user) ||
        s.usergroups.some((u) => grant.usergroups.includes(u)) ||
        (s.channel !== undefined && grant.channels.includes(s.channel)),
    );
  }

  private groupOf(host: string | undefined): string | undefined {
    return host === undefined ? undefined : this.hostGroups[host];
  }
}

/** The host → group map AccessPolicy needs, from the configuration's hosts. */
export function hostGroupsOf(config: { hosts: Record<string, { group: string }> }): Record<string, string> {
  return Object.fromEntries(Object.entries(config.hosts).map(([h, c]) => [h, c.group]));
}

/** Whether a grant's scope covers the target; an unknown host is in no group. */
function covers(g: CompiledGrant, group: string | undefined, host?: string, guest?: string): boolean {
  if (g.hostGroups && host !== undefined && (group === undefined || !g.hostGroups.has(group))) return false;
  if (g.guests && guest !== undefined && !g.guests.some((re) => re.test(guest))) return false;
  return true;
}

function describe(host?: string, guest?: string): string {
  if (guest !== undefined) return host !== undefined ? `${guest} on ${host}` : guest;
  return host !== undefined ? `host ${host}` : '';
}

/** "view", "operate and approve requests for": the strongest of viewer/operator/admin, plus approver. */
function mayPhrase(held: ReadonlySet<Role>): string {
  const base = (['admin', 'operator', 'viewer'] as const).find((r) => held.has(r));
  const parts = [base ? MAY[base] : undefined, held.has('approver') ? MAY.approver : undefined];
  return parts.filter(Boolean).join(' and ');
}
