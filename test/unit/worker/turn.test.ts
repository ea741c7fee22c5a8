/**
 * Waiting for turn: a job takes its guest's lock, then a running slot, and says why it waits. A
 * cancel before or while it waits ends it for good as cancelled and leaves nothing held. Real
 * GuestLocks and Semaphore; notices through the real announcer.
 */
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../jobs/index.js';
import { decodeFailure } from '../../../src/model/failure.js';
import type { JobRequest } from '../../../src/model/request.js';
import { announcer } from '../../../src/worker/job-run.js';
import { GuestLocks, Semaphore } from '../../../src/worker/locks.js';
import { lockKey, type TurnDeps, type Waiting, waitForTurn } from '../../../src/worker/turn.js';
import { NoticeLog, testRequest } from '../../helpers/runner.js';

const stop = catalogue.get('stop')!;

function setup(slots = 2, early = new Set<string>()) {
  const d: TurnDeps = {
    locks: new GuestLocks(),
    slots: new Semaphore(slots),
    cancelledEarly: (id) => early.delete(id),
  };
  const notices = new NoticeLog();
  const waiting = (r: JobRequest = testRequest()) => {
    const ac = new AbortController();
    const w: Waiting = { request: r, op: stop, signal: ac.signal, announce: announcer(notices, r) };
    return { w, ac, r };
  };
  return { d, notices, waiting };
}

/** Resolves once `notices` holds a notice of this phase (the waiter has got that far). */
async function until(notices: NoticeLog, phase: string): Promise<void> {
  while (!notices.phases().includes(phase as never)) await new Promise((r) => setTimeout(r, 1));
}

async function cancelled(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnrecoverableError);
  return decodeFailure((err as Error).message);
}

describe('waitForTurn', () => {
  it('goes at once when the guest and a slot are free, and gives both back', async () => {
    const { d, notices, waiting } = setup(1);
    const turn = await waitForTurn(waiting().w, d);
    expect(d.locks.busy('101')).toBe(true);
    expect(d.slots.placeInLine).toBe(1);
    turn.release();
    expect(d.locks.busy('101')).toBe(false);
    expect(d.slots.placeInLine).toBe(0);
    expect(notices.notices).toEqual([]);
  });

  it('says it waits for a busy guest, and runs when the guest is free', async () => {
    const { d, notices, waiting } = setup();
    const first = await waitForTurn(waiting().w, d);
    const second = waitForTurn(waiting().w, d);
    await until(notices, 'queued');
    expect(notices.notices[0]).toMatchObject({
      phase: 'queued',
      step: 'waiting for another operation on this guest',
    });
    first.release();
    (await second).release();
    expect(d.locks.busy('101')).toBe(false);
  });

  it('says its place in line when every slot is taken', async () => {
    const { d, notices, waiting } = setup(1);
    const other = await waitForTurn(
      waiting(testRequest({ target: { kind: 'guest', host: 'kvm-t', guestId: '102' } })).w,
      d,
    );
    const mine = waitForTurn(waiting().w, d);
    await until(notices, 'queued');
    expect(notices.notices[0]).toMatchObject({ phase: 'queued', position: 1 });
    other.release();
    (await mine).release();
  });

  it('a cancel while waiting for the guest ends the job for good as cancelled, holding nothing', async () => {
    const { d, notices, waiting } = setup();
    const holder = await waitForTurn(waiting().w, d);
    const { w, ac, r } = waiting();
    const p = waitForTurn(w, d);
    await until(notices, 'queued');
    ac.abort('cancelled by bob');
    expect(await cancelled(p)).toEqual({
      code: 'CANCELLED',
      message: 'The operation was cancelled before it started (cancelled by bob).',
      retryable: false,
    });
    expect(notices.notices.at(-1)).toMatchObject({
      requestId: r.id,
      phase: 'cancelled',
      step: 'cancelled by bob before it started',
      error: { code: 'CANCELLED' },
    });
    holder.release();
    expect(d.locks.busy('101')).toBe(false);
  });

  it('a cancel while waiting for a slot gives the guest back at once', async () => {
    const { d, notices, waiting } = setup(1);
    const elsewhere = testRequest({ target: { kind: 'guest', host: 'kvm-t', guestId: '102' } });
    const other = await waitForTurn(waiting(elsewhere).w, d);
    const { w, ac } = waiting();
    const p = waitForTurn(w, d);
    await until(notices, 'queued');
    expect(d.locks.busy('101')).toBe(true);
    ac.abort({ not: 'a string' });
    expect((await cancelled(p)).message).toBe(
      'The operation was cancelled before it started (a cancel request).',
    );
    expect(d.locks.busy('101')).toBe(false);
    other.release();
    expect(d.slots.placeInLine).toBe(0);
  });

  it('a cancel that came before the job was picked up ends it before it takes anything', async () => {
    const r = testRequest();
    const { d, notices, waiting } = setup(1, new Set([r.id]));
    const failure = await cancelled(waitForTurn(waiting(r).w, d));
    expect(failure).toMatchObject({ code: 'CANCELLED', message: 'The job was cancelled.' });
    expect(notices.notices).toEqual([
      expect.objectContaining({ phase: 'cancelled', step: 'cancelled before it started' }),
    ]);
    expect(d.locks.busy('101')).toBe(false);
    expect(d.slots.placeInLine).toBe(0);
  });
});

describe('lockKey', () => {
  it('locks the guest, else the target word, else the operation on the host', () => {
    expect(lockKey(testRequest(), stop)).toBe('101');
    expect(lockKey(testRequest({ target: { kind: 'host', host: 'kvm-t', word: 'kvm-t' } }), stop)).toBe(
      'kvm-t',
    );
    expect(lockKey(testRequest({ target: { kind: 'none', host: 'kvm-t' } }), stop)).toBe('host:stop');
  });
});
