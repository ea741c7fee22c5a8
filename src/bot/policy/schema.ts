/**
 * The access policy document (config/policy.example.yaml): its roles and what each may run, its
 * schema, its parsed shape and the guest-name globs it scopes grants with. The rules that read it
 * live in policy.ts, which re-exports all of this.
 */
import { z } from 'zod';
import { OpError } from '../../model/errors.js';
import { parseDuration } from '../../model/units.js';

export { ROLES, type Role } from '../../model/roles.js';

import { ROLES, type Role } from '../../model/roles.js';

/** What the policy needs to know of an operation: its name and the least role it declares. */
export interface OpRef {
  name: string;
  role: Role | 'anyone';
}

/** For each held role, the required roles it satisfies: admin is not an approver unless granted both. */
export const SATISFIES: Readonly<Record<Role, readonly Role[]>> = {
  viewer: ['viewer'],
  operator: ['viewer', 'operator'],
  admin: ['viewer', 'operator', 'admin'],
  approver: ['approver'],
};

/** The least role that may run an operation, as it declares it ('anyone' for help). */
export function requiredRole(op: OpRef): Role | 'anyone' {
  return op.role;
}

/** Whether holding `held` lets one run an operation that needs `need`. */
export function satisfies(held: Role, need: Role | 'anyone'): boolean {
  return need === 'anyone' || SATISFIES[held].includes(need);
}

/** The verbs of `ops` a role may run on its own. */
export function verbsOfRole(role: Role, ops: Iterable<OpRef>): string[] {
  return [...ops].filter((op) => satisfies(role, op.role)).map((op) => op.name);
}

/** One grant: who (users, usergroups or a channel) gets which roles, optionally within a scope. */
export interface Grant {
  name?: string;
  /** Slack user ids or terminal/exec user names; `*` is everyone. */
  users: string[];
  /** Slack user group ids (S…). */
  usergroups: string[];
  /** Anyone commanding in one of these channels. */
  channels: string[];
  roles: Role[];
  /** Host groups (config hosts.<h>.group) the roles apply to; absent = all hosts. */
  hostGroups?: string[];
  /** Guest name globs (`*`, `?`) the roles apply to; absent = all guests. */
  guests?: string[];
}

/** A parsed, validated access policy. */
export interface Policy {
  grants: Grant[];
  /** Verb allow-lists per channel id; `*` is the default for channels not listed. */
  channels: Record<string, { verbs: string[] }>;
  approvals: {
    channel?: string;
    expiryMs: number;
    /** Approvals needed per operation name (default 1). */
    quorum: Record<string, number>;
    /** Operations that need approval besides the destructive ones. */
    require: string[];
  };
  /** Read by the rate limiter, not here. */
  rateLimits?: unknown;
}

/** Characters a guest glob may use: those of a guest name plus `*` and `?`. */
export const GLOB_RE = /^[A-Za-z0-9._*?-]{1,63}$/;

/** `web-*` → /^web-.*$/: `*` is any run, `?` one character, anchored, case-sensitive. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : '\\.'));
  return new RegExp(`^${body}$`);
}

const USER_RE = /^(\*|[A-Za-z0-9][A-Za-z0-9._@-]{0,79})$/;
const USERGROUP_RE = /^S[A-Z0-9]{2,}$/;
/** Slack channel ids (C…, G…, D…) and the terminal adapter's channel names. */
const CHANNEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
const GRANT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const list = (re: RegExp, what: string) =>
  z.array(z.string().regex(re, `expected ${what}`), { invalid_type_error: `expected a list of ${what}s` });

const role = z.string().refine((r): r is Role => (ROLES as readonly string[]).includes(r), {
  message: `unknown role; roles are ${ROLES.join(', ')}`,
});

const grantSchema = z
  .object({
    name: z.string().regex(GRANT_NAME_RE, 'expected a name of letters, digits, ".", "_" and "-"').optional(),
    users: list(USER_RE, 'a user id or name, or "*" for everyone').default([]),
    usergroups: list(USERGROUP_RE, 'a Slack user group id like S0123ABCD').default([]),
    channels: list(CHANNEL_RE, 'a channel id like C0123ABCD').default([]),
    roles: z.array(role).min(1, 'needs at least one role'),
    hostGroups: z
      .array(z.string().min(1, 'expected a host group name'))
      .min(1, 'omit it for all hosts')
      .optional(),
    guests: z
      .array(
        z.string().regex(GLOB_RE, 'expected a guest name pattern of letters, digits, ".", "_", "-", * and ?'),
      )
      .min(1, 'omit it for all guests')
      .optional(),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.users.length + g.usergroups.length + g.channels.length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'names no users, usergroups or channels, so it applies to nobody',
      });
    }
  });

const duration = z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : parseDuration(v);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a duration like 30m or 2h, got "${v}"` });
    return z.NEVER;
  }
  return ms;
});

/** Builds the schema; `verbs` is the catalogue's verb names, to check verb lists against. */
export function policySchema(verbs: ReadonlySet<string>) {
  const verb = z.string().refine((v) => verbs.has(v), { message: 'unknown verb' });
  const channelKey = z
    .string()
    .regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,79})$/, 'expected a channel id or "*"');
  return z
    .object({
      grants: z.array(grantSchema).default([]),
      channels: z.record(channelKey, z.object({ verbs: z.array(verb) }).strict()).default({}),
      approvals: z
        .object({
          channel: z.string().regex(CHANNEL_RE, 'expected a channel id like C0123ABCD').optional(),
          expiry: duration.default('30m'),
          quorum: z.record(verb, z.number().int().min(1).max(10)).default({}),
          require: z.array(verb).default([]),
        })
        .strict()
        .default({}),
      rateLimits: z.unknown().optional(),
    })
    .strict()
    .superRefine((p, ctx) => {
      const seen = new Set<string>();
      p.grants.forEach((g, i) => {
        if (g.name === undefined) return;
        if (seen.has(g.name)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['grants', i, 'name'],
            message: `"${g.name}" names another grant too`,
          });
        }
        seen.add(g.name);
      });
    });
}

/** Parses and validates a policy document; throws OpError CONFIG naming every bad key. */
export function parsePolicy(doc: unknown, source: string, verbs: ReadonlySet<string>): Policy {
  const parsed = policySchema(verbs).safeParse(doc ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => formatIssue(issue, doc));
    throw new OpError('CONFIG', `Invalid access policy in ${source}:\n${lines.join('\n')}`);
  }
  const { approvals, rateLimits, ...rest } = parsed.data;
  const policy: Policy = {
    ...rest,
    grants: rest.grants.map(stripUndefined),
    approvals: stripUndefined({
      channel: approvals.channel,
      expiryMs: approvals.expiry,
      quorum: approvals.quorum,
      require: approvals.require,
    }),
  };
  if (rateLimits !== undefined) policy.rateLimits = rateLimits;
  return policy;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** `grants.1.roles.0: unknown role "boss"; roles are …`, quoting the offending value when it is a string. */
function formatIssue(issue: z.ZodIssue, doc: unknown): string {
  const path = issue.path.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${path === '(top level)' ? '' : `${path}.`}${issue.keys.join(', ')}: unknown key`;
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `${path}: required`;
  const value = valueAt(doc, issue.path);
  const quoted = typeof value === 'string' && issue.code !== 'invalid_type' ? ` (got "${value}")` : '';
  return `${path}: ${issue.message}${quoted}`;
}

function valueAt(doc: unknown, path: (string | number)[]): unknown {
  let v = doc;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** For demos only: everyone is admin and approver everywhere. The demo says so when it uses it. */
export const OPEN_POLICY_FOR_DEMO: Policy = {
  grants: [
    { name: 'demo-everyone', users: ['*'], usergroups: [], channels: [], roles: ['admin', 'approver'] },
  ],
  channels: {},
  approvals: { expiryMs: 30 * 60_000, quorum: {}, require: [] },
};
