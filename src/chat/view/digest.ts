/** The daily digest as Block Kit: capacity per host, then the last day's incidents. */
import type { Digest } from '../../bot/alerts/digest.js';
import type { AlertState } from '../../model/alert.js';
import { formatDuration } from '../../model/units.js';
import { SEVERITY_ICON } from './alert-card.js';
import { type Block, context, header, section, sectionsOf } from './blocks.js';
import { capacityLine } from './capacity.js';

export function digestBlocks(d: Digest): Block[] {
  const lines = d.hosts.map((h) =>
    h.registered
      ? `*${h.name}*${h.reporting ? '' : ' (not reporting)'}\n${h.levels.map(capacityLine).join('\n')}`
      : `*${h.name}*: never reported`,
  );
  const row = (a: AlertState) =>
    `${SEVERITY_ICON[a.severity]} ${a.title}${a.count > 1 ? ` (${a.count}×)` : ''}${a.status === 'resolved' ? `, resolved after ${formatDuration(Math.max(0, (a.resolvedAt ?? d.now) - a.openedAt))}` : ''}`;
  return [
    header(`vpsops daily digest · ${new Date(d.now).toISOString().slice(0, 10)}`),
    section('*Capacity*'),
    ...sectionsOf(lines.length ? lines : ['No hosts configured.']),
    section(`*Incidents in the last 24 h*: ${d.open.length} open, ${d.resolved.length} resolved`),
    ...sectionsOf([...d.open, ...d.resolved].map(row)),
    context('/vps alerts for what is open · /vps capacity for the ratios'),
  ];
}
