/**
 * The two steps of the Slack outbox (chat/slack/notify/outbox.ts) that must each be atomic, so a
 * notice and a finished write racing on one job's message cannot lose an update or post it twice.
 * The payload is already JSON here: what a Slack message looks like is chat's business.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { scripts } from './scripts.js';

/** A new state of a job's message. */
export interface JobMessageUpdate {
  requestId: string;
  /** The message as JSON. */
  payload: string;
  /** The job's outcome: no progress notice may replace it afterwards. */
  final: boolean;
  now: number;
  /** Progress is written no sooner than this after the last write. */
  intervalMs: number;
  channel?: string;
  user?: string;
  /** A line for the job's thread log. */
  logLine?: string;
  /** How long the records live after this change. */
  ttlMs: number;
}

/** The four keys of a job's message, in the order the outbox scripts take them. */
function messageKeys(keys: Keys, requestId: string): [string, string, string, string] {
  return [keys.slackMessage(requestId), keys.slackDue('hi'), keys.slackDue('lo'), keys.slackLog(requestId)];
}

/**
 * Stores a new state of a job's message and schedules its write (scripts/outbox-update-job.lua);
 * returns its version, or 0 when it took nothing (dead message, or progress after the outcome).
 */
export function updateJobMessage(redis: Redis, keys: Keys, u: JobMessageUpdate): Promise<number> {
  return scripts.outboxUpdateJob(redis, messageKeys(keys, u.requestId), [
    u.requestId,
    u.payload,
    u.final ? '1' : '0',
    u.now,
    u.intervalMs,
    u.channel ?? '',
    u.user ?? '',
    u.logLine ?? '',
    u.ttlMs,
  ]);
}

/**
 * Records that Slack shows `version` (posted as `ts` the first time) and schedules what is left
 * (scripts/outbox-written.lua); returns the message's current version.
 */
export function jobMessageWritten(
  redis: Redis,
  keys: Keys,
  w: { requestId: string; version: number; now: number; intervalMs: number; ts?: string },
): Promise<number> {
  return scripts.outboxWritten(redis, messageKeys(keys, w.requestId), [
    w.requestId,
    w.version,
    w.now,
    w.intervalMs,
    w.ts ?? '',
  ]);
}
