/** What changed in an alert, in words: the line for its thread, and the terminal's "updated: …". */
import type { AlertChange, AlertState } from '../../model/alert.js';

const WORDS: Readonly<Record<AlertChange, (s: AlertState) => string>> = {
  reopened: () => 'back again',
  escalated: (s) => `escalated to ${s.severity}`,
  deescalated: (s) => `down to ${s.severity}`,
  muted: (s) => (s.muted === 'maintenance' ? `muted: ${s.host} is in maintenance` : 'silenced'),
  unmuted: () => 'no longer muted',
  acked: (s) => `acknowledged by ${s.acked?.by ?? 'someone'}`,
  affected: (s) => `guests now: ${s.affected?.join(', ') || 'none'}`,
  'flap-started': () => 'flapping: further changes are muted until it settles',
  'flap-ended': () => 'flapping ended',
};

/** The order changes are told in: whether it is open, then how bad, then the rest. */
const ORDER: readonly AlertChange[] = [
  'reopened',
  'escalated',
  'deescalated',
  'muted',
  'unmuted',
  'acked',
  'affected',
  'flap-started',
  'flap-ended',
];

/**
 * One line for the changes of an alert (`escalated to critical; silenced`), undefined for none.
 * `s` is the state after them.
 */
export function changeNote(changes: readonly AlertChange[], s: AlertState): string | undefined {
  const said = ORDER.filter((c) => changes.includes(c)).map((c) => WORDS[c](s));
  return said.length ? said.join('; ') : undefined;
}
