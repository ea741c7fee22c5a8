/**
 * The store's Lua scripts (src/store/scripts/*.lua, each with a header naming its KEYS and ARGV),
 * defined once per connection with ioredis `defineCommand`. ioredis then sends a script's body
 * once per socket (EVAL) and only its SHA1 after that (EVALSHA), falling back to the body by itself
 * when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH). The wrappers below are the only
 * way the project runs a script: each names its keys in the order of the file's header.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { ScriptReply } from '../model/alert.js';

/** Every script: its file under scripts/ and how many of its arguments are keys. */
export const SCRIPTS = {
  alertDecide: { file: 'alert-decide.lua', keys: 4 },
  alertSetIfExists: { file: 'alert-set-if-exists.lua', keys: 1 },
  approvalDecide: { file: 'approval-decide.lua', keys: 2 },
  hdelIfSame: { file: 'hdel-if-same.lua', keys: 1 },
  rateLimitAudit: { file: 'rate-limit-audit.lua', keys: 3 },
  leaseRenew: { file: 'lease-renew.lua', keys: 1 },
  leaseRelease: { file: 'lease-release.lua', keys: 1 },
  outboxUpdateJob: { file: 'outbox-update-job.lua', keys: 4 },
  outboxWritten: { file: 'outbox-written.lua', keys: 4 },
} as const satisfies Record<string, { file: string; keys: number }>;

/** A script's name in `SCRIPTS`. */
export type ScriptName = keyof typeof SCRIPTS;

/** The .lua files sit next to this module, in src/ and (copied by `npm run build`) in dist/. */
const DIR = new URL('./scripts/', import.meta.url);

/** Read on first use, once per process. */
let sources: Map<ScriptName, string> | undefined;

/** The body of a script as it is sent to Redis. */
export function scriptSource(name: ScriptName): string {
  if (!sources) {
    const read = new Map<ScriptName, string>();
    for (const [n, def] of Object.entries(SCRIPTS) as Array<[ScriptName, { file: string }]>) {
      const url = new URL(def.file, DIR);
      try {
        read.set(n, readFileSync(url, 'utf8'));
      } catch (err) {
        throw new Error(`Redis script ${url.pathname} is missing (a build that did not copy it?)`, {
          cause: err,
        });
      }
    }
    sources = read;
  }
  return sources.get(name)!;
}

/**
 * The command a script is defined under: prefixed, so it cannot replace a Redis command or one of
 * the commands BullMQ defines on the connections it shares with us.
 */
export function commandName(name: ScriptName): string {
  return `vpsops_${name}`;
}

/** Connections the scripts are defined on: defining again would make ioredis send every body again. */
const defined = new WeakSet<Redis>();

/** Defines every script on `redis`; does nothing the second time for the same connection. */
export function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
    redis.defineCommand(commandName(name), { numberOfKeys: SCRIPTS[name].keys, lua: scriptSource(name) });
  }
  defined.add(redis);
}

type Defined = (...args: string[]) => Promise<unknown>;

/** Runs a script with its keys then its arguments, defining the scripts first if need be. */
function run(
  redis: Redis,
  name: ScriptName,
  keys: readonly string[],
  argv: readonly unknown[],
): Promise<unknown> {
  if (keys.length !== SCRIPTS[name].keys) {
    throw new Error(`Redis script ${name} takes ${SCRIPTS[name].keys} keys, not ${keys.length}`);
  }
  defineScripts(redis);
  const fn = (redis as unknown as Record<string, Defined>)[commandName(name)]!;
  return fn.call(redis, ...keys, ...argv.map(String));
}

/** Typed calls of the scripts; see each file's header for what its arguments mean. */
export const scripts = {
  /** alert-decide.lua: one decision on one alert; `argv` as in the file's header. */
  alertDecide(
    redis: Redis,
    keys: readonly [state: string, history: string, open: string, flapping: string],
    argv: readonly (string | number)[],
  ): Promise<ScriptReply> {
    return run(redis, 'alertDecide', keys, argv) as Promise<ScriptReply>;
  },

  /** alert-set-if-exists.lua: sets fields of an alert's hash; false when there is no such alert. */
  async alertSetIfExists(redis: Redis, state: string, fields: Record<string, string>): Promise<boolean> {
    return (await run(redis, 'alertSetIfExists', [state], Object.entries(fields).flat())) === 1;
  },

  /** approval-decide.lua: [verdict, state JSON after the decision]. */
  approvalDecide(
    redis: Redis,
    keys: readonly [state: string, pending: string],
    a: { action: 'approve' | 'deny' | 'expire' | 'fail'; user: string; now: number; reason: string },
  ): Promise<[string, string]> {
    return run(redis, 'approvalDecide', keys, [a.action, a.user, a.now, a.reason]) as Promise<
      [string, string]
    >;
  },

  /** hdel-if-same.lua: deletes `field` only if it still holds `value`. */
  async hdelIfSame(redis: Redis, key: string, field: string, value: string): Promise<boolean> {
    return (await run(redis, 'hdelIfSame', [key], [field, value])) === 1;
  },

  /** rate-limit-audit.lua: counts the command; [appended 1 or 0, person's count, channel's count]. */
  rateLimitAudit(
    redis: Redis,
    keys: readonly [user: string, channel: string, audit: string],
    limits: { perUser: number; perChannel: number; countChannel: boolean; window: number },
    fields: readonly string[],
  ): Promise<[number, number, number]> {
    const argv = [
      limits.perUser,
      limits.perChannel,
      limits.countChannel ? '1' : '0',
      limits.window,
      ...fields,
    ];
    return run(redis, 'rateLimitAudit', keys, argv) as Promise<[number, number, number]>;
  },

  /** lease-renew.lua: true when `id` still held the lease and it now lives `ttlMs` more. */
  async leaseRenew(redis: Redis, key: string, id: string, ttlMs: number): Promise<boolean> {
    return (await run(redis, 'leaseRenew', [key], [id, ttlMs])) === 1;
  },

  /** lease-release.lua: true when `id` held the lease and it is now free. */
  async leaseRelease(redis: Redis, key: string, id: string): Promise<boolean> {
    return (await run(redis, 'leaseRelease', [key], [id])) === 1;
  },

  /** outbox-update-job.lua: the message's new version, 0 when it took no update. */
  async outboxUpdateJob(
    redis: Redis,
    keys: readonly [message: string, dueHi: string, dueLo: string, log: string],
    argv: readonly [
      requestId: string,
      payload: string,
      final: '1' | '0',
      now: number,
      intervalMs: number,
      channel: string,
      user: string,
      logLine: string,
      ttlMs: number,
    ],
  ): Promise<number> {
    return Number(await run(redis, 'outboxUpdateJob', keys, argv));
  },

  /** outbox-written.lua: the message's current version. */
  async outboxWritten(
    redis: Redis,
    keys: readonly [message: string, dueHi: string, dueLo: string, log: string],
    argv: readonly [requestId: string, version: number, now: number, intervalMs: number, ts: string],
  ): Promise<number> {
    return Number(await run(redis, 'outboxWritten', keys, argv));
  },
};
