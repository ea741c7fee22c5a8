import { z } from 'zod';
import { context, escapeMrkdwn, section, sectionsOf, userRef } from '../src/chat/view/blocks.js';
import { infoReply } from '../src/chat/view/messages.js';
import { OpError } from '../src/model/errors.js';
import { formatDuration } from '../src/model/units.js';
import { type ArgSpec, int, name } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import type { BotServices } from '../src/ops/services.js';
import { parseTimeBound, type StoredEntry } from '../src/store/audit.js';

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
  timeoutMs: 10_000,
  retryable: true,
  examples: ['/vps audit', '/vps audit guest=web-1 since=7d', '/vps audit user=@alice since=2026-11-01'],
  async answer({ args, services, user: caller }) {
    const audit = services.audit;
    if (!audit) throw new OpError('INTERNAL', 'The audit trail is not available in this bot.');
    const page = args.page as number;
    const { entries, next } = await audit.query({
      type: ['command', 'approval', 'job'],
      limit: page * PAGE,
      where: visibleTo(services, caller),
      ...(args.guest !== undefined ? { guest: args.guest as string } : {}),
      ...(args.user !== undefined ? { user: args.user as string } : {}),
      ...(args.since !== undefined ? { since: parseTimeBound(args.since as string, services.now())! } : {}),
    });
    const shown = entries.slice((page - 1) * PAGE);
    const links = await audit.permalinks(shown);
    const filters = filterText(args);
    const title = shown.length
      ? `Audit trail${filters}, page ${page}`
      : `No audit entries${filters}${page > 1 ? ` on page ${page}` : ''}`;
    const reply = infoReply(title, [
      section(`*${title}*`),
      ...sectionsOf(shown.map((e) => auditLine(e, links))),
      context(
        `Newest first; times in UTC.${next ? ' page=N for older entries.' : ''} vpsops audit export writes the whole trail.`,
      ),
    ]);
    const pages = next ? page + 1 : page;
    return pages > 1 ? { ...reply, page: { page, pages } } : reply;
  },
});

/**
 * Entries about hosts and guests the caller may see; one that names no host (a refused command)
 * could be about any, so only callers who see the whole fleet, or who typed it, get it.
 */
function visibleTo(services: BotServices, caller: string): (e: StoredEntry) => boolean {
  const see = services.visible?.bind(services);
  if (!see) return () => true;
  const everywhere = services.hostNames.every((h) => see(h));
  return (e) => {
    if ('host' in e && e.host) return see(e.host, e.target);
    return everywhere || ('user' in e && e.user === caller);
  };
}

function filterText(args: Record<string, unknown>): string {
  const parts = (['guest', 'user', 'since'] as const)
    .filter((k) => args[k] !== undefined)
    .map((k) => `${k}=${escapeMrkdwn(String(args[k]))}`);
  return parts.length ? ` (${parts.join(' ')})` : '';
}

/** One entry: when, who, what, and a link to its chat message when there is one. */
export function auditLine(e: StoredEntry, links: ReadonlyMap<string, string>): string {
  const when = `\`${new Date(e.at).toISOString().slice(0, 16).replace('T', ' ')}\``;
  const who = 'user' in e ? ` ${userRef(e.user)}` : '';
  const link = e.requestId ? links.get(e.requestId) : undefined;
  const ref = link && /^https:\/\/[^\s|<>]+$/.test(link) ? ` · <${link}|message>` : '';
  return `${when}${who} ${whatText(e)}${ref}`;
}

function whatText(e: StoredEntry): string {
  switch (e.type) {
    case 'command':
      return commandText(e);
    case 'approval':
      return approvalText(e);
    case 'job':
      return jobText(e);
    case 'message':
      return `💬 posted the message of job ${code(e.requestId)}`;
  }
}

function commandText(e: Extract<StoredEntry, { type: 'command' }>): string {
  const what = subject(e.op, e.target, e.host);
  const why = e.reason ? `: ${escapeMrkdwn(e.reason)}` : '';
  switch (e.outcome) {
    case 'queued':
      return `✅ ${what} queued as job ${code(e.requestId ?? '?')}`;
    case 'answered':
      return `🔎 ${code(e.text)}`;
    case 'refused':
      return `⚠️ refused ${code(e.text)}${why}`;
    case 'denied':
      return `⛔ denied ${e.op ? what : code(e.text)}${why}`;
    case 'approval-requested':
      return `🙋 ${what} awaits approval${e.approvalId ? ` ${code(e.approvalId)}` : ''}`;
    case 'rate-limited':
      return `🐢 rate-limited ${code(e.text)}`;
  }
}

function approvalText(e: Extract<StoredEntry, { type: 'approval' }>): string {
  const id = code(e.approvalId);
  const what = subject(e.op, e.target, e.host);
  const why = e.reason ? `: ${escapeMrkdwn(e.reason)}` : '';
  switch (e.decision) {
    case 'requested':
      return `🙋 asked for approval ${id} of ${what}`;
    case 'approved': {
      const count =
        e.approvers && e.needed
          ? ` (${e.approvers.length} of ${e.needed})`
          : e.approvers
            ? ` (${e.approvers.length})`
            : '';
      return `👍 approved ${id}${count}: ${what}`;
    }
    case 'denied':
      return `👎 denied approval ${id} of ${what}${why}`;
    case 'expired':
      return `⌛ approval ${id} of ${what} expired`;
  }
}

function jobText(e: Extract<StoredEntry, { type: 'job' }>): string {
  const id = code(e.requestId);
  if (e.phase === 'start') return `▶️ job ${id} started: ${subject(e.op, e.target, e.host)}`;
  const took = e.durationMs !== undefined ? formatDuration(e.durationMs) : undefined;
  switch (e.result) {
    case 'failed':
      return `❌ job ${id} failed${took ? ` after ${took}` : ''}${e.error ? `: ${escapeMrkdwn(e.error)}` : ''}`;
    case 'cancelled':
      return `🚫 job ${id} cancelled${took ? ` after ${took}` : ''}`;
    default:
      return `🏁 job ${id} done${took ? ` in ${took}` : ''}`;
  }
}

/** `destroy web-1 on vz-1`, from what the entry knows. */
function subject(op: string | undefined, target: string | undefined, host: string | undefined): string {
  return [op ? `*${op}*` : '', target ? escapeMrkdwn(target) : '', host ? `on ${host}` : '']
    .filter(Boolean)
    .join(' ');
}

/** Text in a code span; backticks inside would end it early. */
function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
}
