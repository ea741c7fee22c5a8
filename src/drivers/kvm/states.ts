/**
 * libvirt domain state + reason → our GuestState. One table serves the numbers of `domstats`
 * (`state.state`, `state.reason`) and of the binding's getState, and the words of `domstate --reason`.
 * Words are virsh's own (tools/virsh-domain-monitor.c), so a reason reads the same wherever it came from.
 */
import type { GuestState } from '../../model/hypervisor.js';

/** virDomainState, indexed by number, as virsh prints it. */
export const STATE_NAMES = [
  'no state',
  'running',
  'idle',
  'paused',
  'in shutdown',
  'shut off',
  'crashed',
  'pmsuspended',
] as const;

/** virDomain*Reason per state, indexed by number, as virsh prints them. */
export const REASON_NAMES: readonly (readonly string[])[] = [
  ['unknown'],
  [
    'unknown',
    'booted',
    'migrated',
    'restored',
    'from snapshot',
    'unpaused',
    'migration canceled',
    'save canceled',
    'event wakeup',
    'crashed',
    'post-copy',
    'post-copy failed',
  ],
  ['unknown'],
  [
    'unknown',
    'user',
    'migrating',
    'saving',
    'dumping',
    'I/O error',
    'watchdog',
    'from snapshot',
    'shutting down',
    'creating snapshot',
    'crashed',
    'starting up',
    'post-copy',
    'post-copy failed',
    'api error',
  ],
  ['unknown', 'user'],
  ['unknown', 'shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from snapshot', 'daemon'],
  ['unknown', 'panicked'],
  ['unknown'],
];

/** virDomainState numbers. */
export const DomainState = {
  NOSTATE: 0,
  RUNNING: 1,
  BLOCKED: 2,
  PAUSED: 3,
  SHUTDOWN: 4,
  SHUTOFF: 5,
  CRASHED: 6,
  PMSUSPENDED: 7,
} as const;

/** A domain's state in our terms, with libvirt's reason when it says one. */
export interface MappedState {
  state: GuestState;
  /** virsh's word for why (`booted`, `user`, `crashed`, `failed`…); absent when libvirt says `unknown`. */
  reason?: string;
}

// Shut off because QEMU died (failed) or the guest crashed: nobody asked, so it counts as a crash.
const CRASH_REASONS: ReadonlySet<string> = new Set(['crashed', 'failed']);

/**
 * Maps virsh's words (`shut off`, `crashed`) to a GuestState. States that our five do not have
 * keep their own name as the reason: `idle` (blocked) and `in shutdown` are running,
 * `pmsuspended` (guest suspended itself to RAM) is paused.
 */
export function mapStateWords(stateWord: string, reasonWord?: string): MappedState {
  const reason =
    reasonWord === undefined || reasonWord === 'unknown' || reasonWord === '' ? undefined : reasonWord;
  const out = (state: GuestState, r = reason): MappedState =>
    r === undefined ? { state } : { state, reason: r };
  switch (stateWord) {
    case 'running':
      return out('running');
    case 'idle':
    case 'in shutdown':
      return out('running', stateWord);
    case 'paused':
      // Paused by a guest crash (on_crash=preserve): treat like a crash so it alerts.
      return reason === 'crashed' ? out('crashed') : out('paused');
    case 'pmsuspended':
      return out('paused', 'pmsuspended');
    case 'shut off':
      return reason !== undefined && CRASH_REASONS.has(reason) ? out('crashed') : out('stopped');
    case 'crashed':
      return out('crashed');
    default:
      return out('unknown', stateWord === 'no state' ? reason : stateWord);
  }
}

/** Maps libvirt's numbers (virDomainState, reason) to a GuestState; unknown numbers map to `unknown`. */
export function mapStateNumbers(state: number, reason: number): MappedState {
  const stateWord = STATE_NAMES[state];
  if (stateWord === undefined) return { state: 'unknown', reason: `state ${state}` };
  const reasonWord = REASON_NAMES[state]?.[reason] ?? `reason ${reason}`;
  return mapStateWords(stateWord, reasonWord);
}
