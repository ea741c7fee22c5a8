/**
 * Names of queues and Redis keys: every key vpsops reads or writes is built here, so a rename is
 * one edit and test/unit/store/keys.test.ts pins the names deployed data is stored under. BullMQ
 * forbids ":" in queue names, so a host's queue is `host.<name>`; every key carries the configured
 * prefix (one Redis node; no Cluster yet).
 */

/** The queue every worker writes its notices to and the bot's notifier reads. */
export const NOTIFY_QUEUE = 'notify';

/** The BullMQ queue of one host's jobs. */
export function hostQueueName(host: string): string {
  return `host.${host}`;
}

/** Which buckets rate limits count in (see people-limits.ts); 'u' is a person, 'c' a channel. */
export type RateLimitWho = 'u' | 'c';

/** Key names under one prefix. Renaming any of them orphans what deployed bots already stored. */
export class Keys {
  /**
   * @param prefix The configured `redis.prefix`. It is also the prefix handed to BullMQ, which
   * names its own keys `<prefix>:<queue>:<suffix>` (see `hostQueueWait`).
   */
  constructor(readonly prefix: string) {}

  // --- fleet: registrations, heartbeats, inventories (written by workers) ---

  /** Hash host → registration JSON (kind, group, capacity, versions). */
  get hosts(): string {
    return `${this.prefix}:hosts`;
  }
  /** Hash host → epoch ms of its last heartbeat; kept after the heartbeat expires. */
  get lastSeen(): string {
    return `${this.prefix}:lastseen`;
  }
  /** String: epoch ms of the host's last heartbeat, with a TTL (gone = the host is silent). */
  heartbeat(host: string): string {
    return `${this.prefix}:heartbeat:${host}`;
  }
  /** String: the host's inventory JSON (guests, states, resources). */
  inventory(host: string): string {
    return `${this.prefix}:inventory:${host}`;
  }
  /** Pub/sub channel announcing which host's inventory just changed. */
  get inventoryChannel(): string {
    return `${this.prefix}:inventory-changed`;
  }

  // --- jobs ---

  /** Pub/sub channel on which a host's worker hears cancel requests. */
  cancelChannel(host: string): string {
    return `${this.prefix}:cancel:${host}`;
  }
  /** String (30 days): the id of the one retry a failed job `id` got, so Retry runs once. */
  retried(id: string): string {
    return `${this.prefix}:retried:${id}`;
  }
  /**
   * BullMQ's own list of a host's waiting job ids (newest on the left). A BullMQ internal, read
   * for queue positions; test/integration/bullmq-internals.test.ts pins its name and order.
   */
  hostQueueWait(host: string): string {
    return `${this.prefix}:${hostQueueName(host)}:wait`;
  }

  // --- approvals ---

  /** String: an approval request's state JSON (status, approvals, quorum, expiry), with a TTL. */
  approval(id: string): string {
    return `${this.prefix}:approval:${id}`;
  }
  /** String: the JobRequest an approval is for, byte for byte as it was hashed, same TTL. */
  approvalRequest(id: string): string {
    return `${this.approval(id)}:request`;
  }
  /** Sorted set of pending approval ids by expiry (epoch ms), for the sweeper and /vps pending. */
  get approvalsPending(): string {
    return `${this.prefix}:approvals:pending`;
  }

  // --- rate limits ---

  /** Counter of commands in bucket `kind` by a person or channel in window number `slot`. */
  rateLimit(kind: string, who: RateLimitWho, id: string, slot: number): string {
    return `${this.prefix}:rl:${kind}:${who}:${id}:${slot}`;
  }

  // --- alerts ---

  /** Hash: one alert's state (status, severity, counts, times, its chat message). */
  alert(fingerprint: string): string {
    return `${this.prefix}:alert:${fingerprint}`;
  }
  /** List: an alert's recent open/resolved flips (`open:<ms>`), newest first, for flap detection. */
  alertHistory(fingerprint: string): string {
    return `${this.alert(fingerprint)}:history`;
  }
  /** SCAN pattern matching every `alert(fp)` key (and their `alertHistory` keys). */
  get alertPattern(): string {
    return `${globEscape(this.prefix)}:alert:*`;
  }
  /** The fingerprint of a key `alertPattern` matched; undefined for a history key. */
  alertFingerprint(key: string): string | undefined {
    const head = `${this.prefix}:alert:`;
    if (!key.startsWith(head) || key.endsWith(':history')) return undefined;
    return key.slice(head.length);
  }
  /** Set of fingerprints of open alerts. */
  get alertsOpen(): string {
    return `${this.prefix}:alerts:open`;
  }
  /** Set of fingerprints of flapping alerts, for the periodic settle. */
  get alertsFlapping(): string {
    return `${this.prefix}:alerts:flapping`;
  }
  /** Hash silence id → silence JSON (scope, until, by). */
  get silences(): string {
    return `${this.prefix}:alerts:silences`;
  }
  /** Hash host → maintenance window JSON. */
  get maintenance(): string {
    return `${this.prefix}:alerts:maintenance`;
  }
  /** String (2 days): set when the digest of that UTC day (`YYYY-MM-DD`) was claimed. */
  digest(day: string): string {
    return `${this.prefix}:digest:${day}`;
  }

  // --- Slack outbox and notifier ---

  /** Hash: the Slack message of one job (channel, ts, latest payload, versions). */
  slackMessage(requestId: string): string {
    return `${this.prefix}:slack:msg:${requestId}`;
  }
  /** List: log lines of a job, posted in its message's thread when it ends. */
  slackLog(requestId: string): string {
    return `${this.slackMessage(requestId)}:log`;
  }
  /** One message waiting to be sent (ephemeral, response_url reply, post). */
  slackItem(id: string): string {
    return `${this.prefix}:slack:item:${id}`;
  }
  /** Sorted sets of work due for Slack, by time: `hi` goes ahead of `lo`. */
  slackDue(priority: 'hi' | 'lo'): string {
    return `${this.prefix}:slack:due:${priority}`;
  }
  /** Pub/sub channel that wakes the notifier when new Slack work is due. */
  get slackWake(): string {
    return `${this.prefix}:slack:wake`;
  }
  /** String with a TTL: the id of the replica that currently runs the notifier (its lease). */
  get notifierLeader(): string {
    return `${this.prefix}:notifier:leader`;
  }

  // --- audit ---

  /** Stream: the audit trail, append-only (see store/audit.ts). */
  get audit(): string {
    return `${this.prefix}:audit`;
  }
}

/** A prefix such as `{vpsops}` is fine, but `*`, `?`, `[` or `\` in it would widen a SCAN. */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
