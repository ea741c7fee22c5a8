/**
 * An alert's one message: what happened, where and since when; Start / Silence 1h / Ack while it
 * is open; resolved with its duration once it clears. Nothing on it changes at every check (no
 * "seen N times"), so a standing alert's message is edited only when something on it changes.
 */

import type { Config } from '../../config/schema.js';
import type { AlertState } from '../../model/alert.js';
import { formatDuration } from '../../model/units.js';
import {
  actions,
  type Block,
  button,
  context,
  escapeMrkdwn,
  fieldsOnly,
  section,
  slackDate,
  userRef,
} from './blocks.js';

/** The icon of each severity, wherever alerts are listed. */
export const SEVERITY_ICON = { info: 'ℹ️', warning: '⚠️', critical: '🚨' } as const;

/** The Slack message key of an alert episode (one message from first raise to resolution). */
export function alertKey(s: Pick<AlertState, 'fingerprint' | 'firstAt'>): string {
  return `alert-${s.fingerprint}-${s.firstAt}`;
}

/** The blocks of an alert's message; `now` ends the duration of a resolved one that has no end. */
export function alertBlocks(s: AlertState, now: number): Block[] {
  const open = s.status === 'open';
  const head = open
    ? `${SEVERITY_ICON[s.severity]} *${escapeMrkdwn(s.title)}*`
    : `✅ *Resolved:* ~${escapeMrkdwn(s.title)}~ after ${formatDuration(Math.max(0, (s.resolvedAt ?? now) - s.openedAt))}`;
  const fields = [`*Host*\n${s.host}`, `*Since*\n${slackDate(s.openedAt)}`];
  if (s.guest) fields.push(`*Guest*\n${escapeMrkdwn(s.guest)}`);
  for (const [k, v] of Object.entries(s.details ?? {}))
    fields.push(`*${escapeMrkdwn(k)}*\n${escapeMrkdwn(v)}`);
  const blocks: Block[] = [section(head), section(escapeMrkdwn(s.text)), fieldsOnly(fields)];
  const notes: string[] = [];
  if (s.flappingSince)
    notes.push(`flapping since ${slackDate(s.flappingSince)}: changes are muted until it settles`);
  if (s.muted) notes.push(s.muted === 'maintenance' ? `${s.host} is in maintenance` : 'silenced');
  if (s.acked) notes.push(`acknowledged by ${userRef(s.acked.by)} at ${slackDate(s.acked.at)}`);
  if (open) {
    const buttons = [];
    if (s.kind === 'crash' && s.guest)
      buttons.push(button('Start', 'alert_start', `${s.guest}@${s.host}`, 'primary'));
    buttons.push(button('Silence 1h', 'alert_silence', s.fingerprint));
    if (!s.acked) buttons.push(button('Ack', 'alert_ack', s.fingerprint));
    blocks.push(actions(...buttons));
  }
  blocks.push(
    context(
      `${s.severity} · ${s.kind} · \`${s.fingerprint}\`${notes.length ? ` · ${notes.join(' · ')}` : ''}`,
    ),
  );
  return blocks;
}

export function alertText(s: AlertState): string {
  return `${s.status === 'open' ? s.severity.toUpperCase() : 'RESOLVED'}: ${s.title}`;
}

/** The channel an alert goes to: the first route matching its severity and group, else the default. */
export function alertChannel(config: Config, s: Pick<AlertState, 'severity' | 'group'>): string | undefined {
  const route = config.alerts.routes.find(
    (r) =>
      (!r.severity || r.severity.includes(s.severity)) &&
      (!r.groups || (s.group !== undefined && r.groups.includes(s.group))),
  );
  return route?.channel ?? config.slack.alertsChannel ?? undefined;
}
