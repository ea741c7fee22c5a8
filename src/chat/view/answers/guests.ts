/** `/vps list`, `/vps status` and `/vps snapshots`: guests, one guest, a guest's snapshots. */
import type { View } from '../../../model/view.js';
import { type Block, context, fieldsOnly, section, sectionsOf } from '../blocks.js';
import { ageText, guestCard, guestLine } from '../messages.js';

type Guests = Extract<View, { kind: 'guests' }>;
type OneGuest = Extract<View, { kind: 'guest' }>;
type Snapshots = Extract<View, { kind: 'snapshots' }>;

/** One line per guest of the page. */
export function guestRows(v: Guests): Block[] {
  return sectionsOf(v.rows.map((r) => guestLine(r.guest, r.host)));
}

/** The list as an answer: a title, the page, and how old each host's inventory is. */
export function guestsBlocks(v: Guests): Block[] {
  const title = `${v.total} guest${v.total === 1 ? '' : 's'}${v.state ? ` ${v.state}` : ''}`;
  const note = v.pages > 1 ? ` · page ${v.page} of ${v.pages} (page=N for more)` : '';
  const ages = v.seen.map((s) => `${s.host} ${ageText(s.at, v.now)}`);
  const stale = v.missing.map((h) => `${h}: no inventory yet (is its worker running?)`);
  return [
    section(`*${title}*${v.host ? ` on ${v.host}` : ''}`),
    ...guestRows(v),
    context(`inventory as of ${ages.join(', ') || 'never'}${note}`, ...stale),
  ];
}

export function guestBlocks(v: OneGuest): Block[] {
  return guestCard(v.guest, v.host, v.seenAt, v.now, v.live);
}

/** Each snapshot with its id and date, and how to roll back. */
export function snapshotRows(v: Snapshots): Block[] {
  return [
    ...v.snapshots.map((s) =>
      fieldsOnly([
        `*${s.name || '(no name)'}*${s.current ? '  ← current' : ''}`,
        `\`${s.id}\`  ${s.createdAt}`,
      ]),
    ),
    ...(v.snapshots.length ? [context('Roll back with /vps revert <guest> snapshot=<name or id>')] : []),
  ];
}
