import { z } from 'zod';
import { parseTimeBound, type StoredEntry } from '../src/model/audit.js';
import { type ArgSpec, int, name } from '../src/ops/args.js';
import type { BotServices } from '../src/ops/operation.js';
import { defineOperation } from '../src/ops/operation.js';
import { FLEET_READ } from './kinds.js';

const PAGE = 20;

/** `since=`: kept as typed, turned into a time when the command runs (so `2h` means the last 2 hours). */
const since: ArgSpec<string> = {
  schema: z.string().superRefine((v, ctx) => {
    if (parseTimeBound(v, 0) === undefined)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${v}" is neither a duration like 2h or 7d nor a date like 2026-11-01`,
      });
  }),
  hint: 'DURATION|DATE',
  help: 'only entries from the last DURATION (2h, 7d) or since an ISO date (2026-11-01, UTC)',
  required: false,
};

/** `user=`: a Slack mention (`<@U123|alice>`), a user id, or a terminal user's name. */
const user: ArgSpec<string> = {
  schema: z.string().transform((v, ctx) => {
    const id = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(v)?.[1] ?? v.replace(/^@/, '');
    if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(id)) return id;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${v}" is not a user (write @name or a user id)` });
    return z.NEVER;
  }),
  hint: 'USER',
  help: 'only what this person did or decided',
  required: false,
};

export default defineOperation({
  name: 'audit',
  summary: 'Who asked for what, who approved it, what ran and how it ended',
  target: 'none',
  args: {
    guest: name({ hint: 'NAME', help: 'only entries about this guest' }),
    user,
    since,
    page: int({ min: 1, max: 10_000, default: 1, help: 'page of the trail, 20 entries each, newest first' }),
  },
  risk: 'read',
  ...FLEET_READ,
  role: 'admin',
  timeoutMs: 10_000,
  retryable: true,
  examples: ['/vps audit', '/vps audit guest=web-1 since=7d', '/vps audit user=@alice since=2026-11-01'],
  async answer({ args, services, user: caller }) {
    const page = args.page as number;
    const { entries, next } = await services.audit.query({
      type: ['command', 'approval', 'job'],
      limit: page * PAGE,
      where: visibleTo(services, caller),
      ...(args.guest !== undefined ? { guest: args.guest as string } : {}),
      ...(args.user !== undefined ? { user: args.user as string } : {}),
      ...(args.since !== undefined ? { since: parseTimeBound(args.since as string, services.now())! } : {}),
    });
    const shown = entries.slice((page - 1) * PAGE);
    const links = Object.fromEntries(await services.audit.permalinks(shown));
    const filters = filterText(args);
    const title = shown.length
      ? `Audit trail${filters}, page ${page}`
      : `No audit entries${filters}${page > 1 ? ` on page ${page}` : ''}`;
    return {
      view: { kind: 'audit', title, entries: shown, links, more: next !== undefined },
      text: title,
      page: { page, pages: next ? page + 1 : page },
    };
  },
});

/**
 * Entries about hosts and guests the caller may see; one that names no host (a refused command)
 * could be about any, so only callers who see the whole fleet, or who typed it, get it.
 */
function visibleTo(services: BotServices, caller: string): (e: StoredEntry) => boolean {
  const see = services.visible.bind(services);
  const everywhere = services.hostNames.every((h) => see(h));
  return (e) => {
    if ('host' in e && e.host) return see(e.host, e.target);
    return everywhere || ('user' in e && e.user === caller);
  };
}

function filterText(args: Record<string, unknown>): string {
  const parts = (['guest', 'user', 'since'] as const)
    .filter((k) => args[k] !== undefined)
    .map((k) => `${k}=${String(args[k])}`);
  return parts.length ? ` (${parts.join(' ')})` : '';
}
