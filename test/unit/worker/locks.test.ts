import { describe, expect, it } from 'vitest';
import { Intents } from '../../../src/worker/intents.js';
import { GuestLocks, Semaphore } from '../../../src/worker/locks.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('guest locks', () => {
  it('serialises one guest in arrival order and lets other guests through', async () => {
    const locks = new GuestLocks();
    const order: string[] = [];
    const r1 = await locks.acquire('101');
    const p2 = locks.acquire('101').then((rel) => {
      order.push('101-second');
      return rel;
    });
    const p3 = locks.acquire('101').then((rel) => {
      order.push('101-third');
      rel();
    });
    const other = await locks.acquire('102');
    order.push('102');
    other();
    await tick();
    expect(order).toEqual(['102']);
    r1();
    (await p2)();
    await p3;
    expect(order).toEqual(['102', '101-second', '101-third']);
    expect(locks.busy('101')).toBe(false);
  });

  it('a wait can be cancelled without taking the lock', async () => {
    const locks = new GuestLocks();
    const held = await locks.acquire('101');
    const ac = new AbortController();
    const waiting = locks.acquire('101', ac.signal);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    held();
    expect(locks.busy('101')).toBe(false);
  });

  it('a wait whose cancel came before it began is refused, and never takes the lock later', async () => {
    const locks = new GuestLocks();
    const held = await locks.acquire('101');
    const ac = new AbortController();
    // The worker publishes a notice before it waits: a cancel can land in between.
    ac.abort();
    const waiting = locks.acquire('101', ac.signal);
    held();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(locks.busy('101')).toBe(false);
    // Nor does it go ahead when nothing holds the guest.
    await expect(locks.acquire('102', ac.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(locks.busy('102')).toBe(false);
  });

  it('the semaphore bounds how many run at once', async () => {
    const sem = new Semaphore(2);
    const a = await sem.acquire();
    await sem.acquire();
    let third = false;
    const p = sem.acquire().then(() => {
      third = true;
    });
    await tick();
    expect(third).toBe(false);
    a();
    await p;
    expect(third).toBe(true);
  });
});

describe('intents', () => {
  it('explains a stop while an operation runs, and for the grace period after one that stops guests', () => {
    let now = 1000;
    const intents = new Intents(5000, () => now);
    expect(intents.explains('101', 'stopped')).toBe(false);
    intents.begin('101');
    expect(intents.explains('101', 'stopped')).toBe(true);
    intents.end('101', true);
    now = 5999;
    expect(intents.explains('101', 'stopped')).toBe(true);
    now = 6001;
    expect(intents.explains('101', 'stopped')).toBe(false);
    expect(intents.explains('102', 'stopped')).toBe(false);
  });

  it('never explains a crash, nor a stop right after a start', () => {
    let now = 1000;
    const intents = new Intents(5000, () => now);
    intents.begin('101');
    expect(intents.explains('101', 'crashed')).toBe(false);
    intents.end('101', false);
    now = 2000;
    expect(intents.explains('101', 'stopped')).toBe(false);
    expect(intents.explains('101', 'crashed')).toBe(false);
  });
});
