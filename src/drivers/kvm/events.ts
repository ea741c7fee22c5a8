/**
 * Lines of `virsh event --all --loop --timestamp` → GuestEvent. The format is virsh's
 * (tools/virsh-domain-event.c): `<UTC timestamp>: event 'lifecycle' for domain '<name>': <Event> <Detail>`,
 * e.g. `2024-05-01 10:00:00.123+0000: event 'lifecycle' for domain 'web-1': Stopped Failed`.
 * virsh flushes each line as it happens, so the driver can stream them from the child's stdout.
 */
import type { GuestEvent, GuestEventType } from '../../model/hypervisor.js';

/** Arguments for the supervised event child. Run with LC_ALL=C: the event words are translated otherwise. */
export const EVENT_ARGS: readonly string[] = ['event', '--all', '--loop', '--timestamp'];

/** One event line as virsh printed it. */
export interface EventLine {
  /** Epoch ms from the timestamp, when the line had one. */
  at?: number;
  /** virsh's callback name: `lifecycle`, `reboot`, `watchdog`, `io-error`… */
  kind: string;
  domain: string;
  /** For lifecycle: the event word (`Stopped`); otherwise undefined. */
  event?: string;
  /** For lifecycle: the detail words (`Failed`, `Finished after host request`); otherwise the rest of the line. */
  detail?: string;
}

// virTimeStringNowRaw: always UTC, millisecond precision.
const TS_RE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3})\+0000: /;
// Greedy name: the detail words never contain "': ", a domain name in theory may.
const LINE_RE = /^event '([a-z0-9-]+)' for domain '(.*)'(?:: (.*))?$/;
const LIFECYCLE_RE = /^(\S+) (.+)$/;

/**
 * Parses one line; undefined for anything that is not an event line (`events received: 3`,
 * `event loop interrupted`, continuation lines of multi-line events, blank lines).
 */
export function parseEventLine(line: string): EventLine | undefined {
  let text = line.replace(/\r$/, '');
  let at: number | undefined;
  const ts = TS_RE.exec(text);
  if (ts) {
    at = Date.parse(`${ts[1]}T${ts[2]}Z`);
    text = text.slice(ts[0].length);
  }
  const m = LINE_RE.exec(text);
  if (!m?.[1] || m[2] === undefined) return undefined;
  const out: EventLine = { kind: m[1], domain: m[2] };
  if (at !== undefined) out.at = at;
  const rest = m[3];
  if (rest === undefined) return out;
  const lc = m[1] === 'lifecycle' ? LIFECYCLE_RE.exec(rest) : null;
  if (lc) {
    out.event = lc[1];
    out.detail = lc[2];
  } else {
    out.detail = rest;
  }
  return out;
}

/**
 * Lifecycle event + detail → our event type. Stopped Failed (QEMU died) and Stopped Crashed, and
 * the Crashed events themselves, are crashes. `Shutdown Finished…` is skipped: a `Stopped Shutdown`
 * follows it. `Defined Updated` (a config change) is not a lifecycle change.
 */
export function lifecycleType(event: string, detail: string): GuestEventType | undefined {
  switch (event) {
    case 'Defined':
      return detail === 'Added' || detail === 'Renamed' ? 'created' : undefined;
    case 'Undefined':
      return 'destroyed';
    case 'Started':
      return 'started';
    case 'Suspended':
    case 'PMSuspended':
      return 'paused';
    case 'Resumed':
      return 'resumed';
    case 'Stopped':
      return detail === 'Failed' || detail === 'Crashed' ? 'crashed' : 'stopped';
    case 'Crashed':
      return 'crashed';
    default:
      return undefined;
  }
}

/**
 * One line of `virsh event` → GuestEvent, or undefined when the line is not a lifecycle change
 * we report. `now` stands in for lines without a timestamp.
 */
export function parseEvent(line: string, now: number = Date.now()): GuestEvent | undefined {
  const e = parseEventLine(line);
  if (e?.kind !== 'lifecycle' || e.event === undefined || e.detail === undefined) return undefined;
  const type = lifecycleType(e.event, e.detail);
  if (type === undefined) return undefined;
  return { type, guestId: e.domain, reason: e.detail, at: e.at ?? now };
}

/**
 * Splits a chunk of child stdout into whole lines, carrying the unfinished tail over to the next
 * chunk. Returns the complete lines and the new tail.
 */
export function splitLines(tail: string, chunk: string): { lines: string[]; tail: string } {
  const parts = (tail + chunk).split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts, tail: rest };
}
