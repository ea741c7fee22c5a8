/**
 * The store's Lua scripts on a real Redis: sent whole once per connection, then by SHA1 (EVALSHA);
 * defining them again on a connection does not send them again; and a Redis that lost its script
 * cache (a restart, SCRIPT FLUSH) gets the body again without the caller noticing.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keys } from '../../src/store/keys.js';
import { defineScripts, scriptSource, scripts } from '../../src/store/scripts.js';
import { SilenceStore } from '../../src/store/silences.js';
import { useRedis } from '../helpers/redis.js';

const redis = useRedis();
let admin: Redis;

beforeAll(() => {
  admin = new Redis(redis.url);
});
afterAll(async () => {
  await admin.quit();
});

/** How many EVAL and EVALSHA calls Redis counted since the last reset. */
async function evalCalls(): Promise<{ eval: number; evalsha: number }> {
  const info = await admin.info('commandstats');
  const calls = (cmd: string) => Number(new RegExp(`^cmdstat_${cmd}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { eval: calls('eval'), evalsha: calls('evalsha') };
}

/** A maintenance window read after it ended: the read runs hdel-if-same.lua to clean it up. */
async function expiredWindowRead(store: SilenceStore, host: string): Promise<void> {
  await store.startMaintenance(host, { until: 2_000, by: 'alice' }, 1_000);
  expect(await store.maintenance(host, 3_000)).toBeUndefined();
}

describe('store scripts', () => {
  it('runs by EVALSHA: the body goes over a connection once, then only its SHA1', async () => {
    const r = new Redis(redis.url);
    try {
      const store = new SilenceStore(r, new Keys('sha'));
      await admin.config('RESETSTAT');
      for (const h of ['a', 'b', 'c']) await expiredWindowRead(store, h);
      expect(await evalCalls()).toEqual({ eval: 1, evalsha: 2 });
      const sha = createHash('sha1').update(scriptSource('hdelIfSame')).digest('hex');
      expect(await admin.script('EXISTS', sha)).toEqual([1]);
    } finally {
      r.disconnect();
    }
  });

  it('defines the scripts once per connection, however many stores share it', async () => {
    const r = new Redis(redis.url);
    try {
      await expiredWindowRead(new SilenceStore(r, new Keys('once')), 'a');
      defineScripts(r);
      await admin.config('RESETSTAT');
      await expiredWindowRead(new SilenceStore(r, new Keys('once')), 'b');
      // A second definition would have sent the whole body again.
      expect(await evalCalls()).toEqual({ eval: 0, evalsha: 1 });
    } finally {
      r.disconnect();
    }
  });

  it('carries on when Redis lost its script cache', async () => {
    const r = new Redis(redis.url);
    try {
      const store = new SilenceStore(r, new Keys('flush'));
      await expiredWindowRead(store, 'a');
      await admin.script('FLUSH');
      await expiredWindowRead(store, 'b');
      expect(await r.hlen(new Keys('flush').maintenance)).toBe(0);
    } finally {
      r.disconnect();
    }
  });

  it('lease scripts renew and release only for the replica that holds the lease', async () => {
    const r = new Redis(redis.url);
    try {
      const key = new Keys('lease').notifierLeader;
      await r.set(key, 'one', 'PX', 1_000);
      expect(await scripts.leaseRenew(r, key, 'two', 60_000)).toBe(false);
      expect(await r.pttl(key)).toBeLessThanOrEqual(1_000);
      expect(await scripts.leaseRenew(r, key, 'one', 60_000)).toBe(true);
      expect(await r.pttl(key)).toBeGreaterThan(1_000);
      expect(await scripts.leaseRelease(r, key, 'two')).toBe(false);
      expect(await r.get(key)).toBe('one');
      expect(await scripts.leaseRelease(r, key, 'one')).toBe(true);
      expect(await r.exists(key)).toBe(0);
    } finally {
      r.disconnect();
    }
  });

  it('refuses a call with the wrong number of keys before it reaches Redis', () => {
    const r = new Redis(redis.url, { lazyConnect: true });
    expect(() => scripts.alertDecide(r, ['only-one'] as never, [])).toThrow('takes 4 keys, not 1');
    r.disconnect();
  });
});
