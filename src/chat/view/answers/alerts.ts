/** `/vps alerts`, and what `/vps silence` and `/vps maintenance` say when they take effect. */
import { formatDuration } from '../../../model/units.js';
import type { View } from '../../../model/view.js';
import { SEVERITY_ICON } from '../alert-card.js';
import { type Block, context, escapeMrkdwn, section, sectionsOf, userRef } from '../blocks.js';

export function alertsBlocks(v: Extract<View, { kind: 'alerts' }>): Block[] {
  const rows = v.alerts.map((a) => {
    const notes = [
      a.count > 1 ? `${a.count}×` : '',
      a.muted ?? '',
      a.flappingSince ? 'flapping' : '',
      a.acked ? `acked by ${a.acked.by}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `${SEVERITY_ICON[a.severity]} *${escapeMrkdwn(a.title)}* · for ${formatDuration(Math.max(0, v.now - a.openedAt))}${notes ? ` · ${notes}` : ''} · \`${a.fingerprint}\``;
  });
  const maint = v.maintenance.map(
    (w) =>
      `🔧 ${w.host} in maintenance until ${new Date(w.until).toISOString()} (${w.by}${w.reason ? `: ${escapeMrkdwn(w.reason)}` : ''})`,
  );
  const title = v.alerts.length
    ? `${v.alerts.length} open alert${v.alerts.length === 1 ? '' : 's'}`
    : 'No open alerts';
  return [
    section(`*${title}*`),
    ...sectionsOf(rows),
    ...(maint.length ? sectionsOf(maint) : []),
    context('/vps capacity shows overcommit; /vps maintenance <host> on|off mutes a host'),
  ];
}

export function silencedBlocks(v: Extract<View, { kind: 'silenced' }>): Block[] {
  const what = v.guest ? `${escapeMrkdwn(v.guest)} on ${v.host}` : `everything on ${v.host}`;
  const why = v.reason ? ` (${escapeMrkdwn(v.reason)})` : '';
  if (v.alert)
    return [
      section(
        `🔕 Alert \`${escapeMrkdwn(v.alert)}\` is muted for ${formatDuration(v.forMs)}, until ${new Date(v.until).toISOString()}, by ${userRef(v.by)}${why}.`,
      ),
    ];
  return [
    section(
      `🔕 Alerts for ${what} are muted for ${formatDuration(v.forMs)}, until ${new Date(v.until).toISOString()}, by ${userRef(v.by)}${why}.`,
    ),
  ];
}

export function maintenanceBlocks(v: Extract<View, { kind: 'maintenance' }>): Block[] {
  const why = v.reason ? ` (${escapeMrkdwn(v.reason)})` : '';
  return [
    section(
      `🔧 *${v.host}* is in maintenance for ${formatDuration(v.forMs)}, until ${new Date(v.until).toISOString()}${why}, by ${userRef(v.by)}: its alerts are muted and only admins may operate it.`,
    ),
  ];
}
