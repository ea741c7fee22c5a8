/**
 * Phase 2, wait for turn: the guest's lock first, then one of the host's running slots, so a job
 * waiting for a busy guest never holds a slot another guest could use. A cancel before or while
 * it waits ends the job for good (reported as cancelled), so a retry can never run it later.
 */
import { UnrecoverableError } from 'bullmq';
import { OpError } from '../model/errors.js';
import { encodeFailure } from '../model/failure.js';
import type { JobRequest } from '../model/request.js';
import type { OperationDef } from '../ops/operation.js';
import type { JobRun } from './job-run.js';
import type { GuestLocks, Semaphore } from './locks.js';

/** What waiting reads. */
export interface TurnDeps {
  locks: GuestLocks;
  slots: Semaphore;
  /** Whether a cancel for this job id arrived before the job started here. */
  cancelledEarly(id: string): boolean;
}

/** The guest's lock and a running slot, held until release. */
export interface Turn {
  release(): void;
}

/** What waiting needs of a run. */
export type Waiting = Pick<JobRun, 'request' | 'op' | 'signal' | 'announce'>;

/** Waits for the job's turn, saying why it waits; throws UnrecoverableError (CANCELLED) on a cancel. */
export async function waitForTurn(run: Waiting, d: TurnDeps): Promise<Turn> {
  if (d.cancelledEarly(run.request.id)) {
    await run.announce('cancelled', { step: 'cancelled before it started' });
    throw new UnrecoverableError(encodeFailure(new OpError('CANCELLED', 'The job was cancelled.')));
  }
  const key = lockKey(run.request, run.op);
  let releaseGuest: (() => void) | undefined;
  try {
    // Say why a job waits, so its message shows it: a busy guest, or its place in line.
    if (d.locks.busy(key))
      await run.announce('queued', { step: 'waiting for another operation on this guest' });
    const guest = await d.locks.acquire(key, run.signal);
    releaseGuest = guest;
    const place = d.slots.placeInLine;
    if (place > 0) await run.announce('queued', { position: place });
    const slot = await d.slots.acquire(run.signal);
    return {
      release() {
        slot();
        guest();
      },
    };
  } catch (err) {
    releaseGuest?.();
    if (!run.signal.aborted) throw err;
    throw await cancelledWhileWaiting(run);
  }
}

/** What a job locks: its guest, else its target word, else the operation on the whole host. */
export function lockKey(request: JobRequest, op: OperationDef): string {
  return request.target.guestId ?? request.target.word ?? `host:${op.name}`;
}

/** Reports the cancel of a waiting job and gives the error that ends it for good. */
async function cancelledWhileWaiting(run: Waiting): Promise<UnrecoverableError> {
  const by = typeof run.signal.reason === 'string' ? run.signal.reason : 'a cancel request';
  const e = new OpError('CANCELLED', `The operation was cancelled before it started (${by}).`);
  await run.announce('cancelled', { step: `${by} before it started`, error: e.toJSON() });
  return new UnrecoverableError(encodeFailure(e));
}
