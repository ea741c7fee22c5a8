/**
 * Lifecycle events by polling, for hypervisors (or connections) without an event stream: OpenVZ
 * (contract §10) and libvirt's test driver. Consecutive listings are compared; a guest that stops
 * without a stop command simply shows up as `stopped`.
 */
import type { Guest, GuestEvent, GuestEventType, GuestState } from '../model/hypervisor.js';

function transition(from: GuestState, to: GuestState): GuestEventType | undefined {
  if (from === to) return undefined;
  if (to === 'running') return from === 'paused' ? 'resumed' : 'started';
  if (to === 'paused') return 'paused';
  if (to === 'stopped') return 'stopped';
  if (to === 'crashed') return 'crashed';
  return undefined;
}

function event(type: GuestEventType, guest: Guest, at: number): GuestEvent {
  const e: GuestEvent = { type, guestId: guest.id, at };
  if (guest.stateReason !== undefined) e.reason = guest.stateReason;
  return e;
}

/**
 * The events that turn listing `prev` into listing `next`: created/destroyed for guests that
 * appeared/vanished, state changes for the rest. A new guest that is already running also gets `started`.
 */
export function diffGuests(prev: readonly Guest[], next: readonly Guest[], at: number): GuestEvent[] {
  const before = new Map(prev.map((g) => [g.id, g]));
  const events: GuestEvent[] = [];
  for (const g of next) {
    const old = before.get(g.id);
    before.delete(g.id);
    if (!old) {
      events.push(event('created', g, at));
      if (g.state === 'running') events.push(event('started', g, at));
      continue;
    }
    const type = transition(old.state, g.state);
    if (type) events.push(event(type, g, at));
  }
  for (const gone of before.values()) events.push({ type: 'destroyed', guestId: gone.id, at });
  return events;
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
