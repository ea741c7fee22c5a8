/** `/vps audit`: the trail, newest first, each entry with a link to its chat message. */
import type { StoredEntry } from '../../../model/audit.js';
import { formatDuration } from '../../../model/units.js';
import type { View } from '../../../model/view.js';
import { type Block, context, escapeMrkdwn, section, sectionsOf, userRef } from '../blocks.js';

export function auditBlocks(v: Extract<View, { kind: 'audit' }>): Block[] {
  const links = new Map(Object.entries(v.links));
  return [
    section(`*${escapeMrkdwn(v.title)}*`),
    ...sectionsOf(v.entries.map((e) => auditLine(e, links))),
    context(
      `Newest first; times in UTC.${v.more ? ' page=N for older entries.' : ''} vpsops audit export writes the whole trail.`,
    ),
  ];
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
