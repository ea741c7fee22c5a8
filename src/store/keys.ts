/**
 * Names of queues and Redis keys. BullMQ forbids ":" in queue names, so a host's queue is
 * `host.<name>`; every key carries the configured prefix (one Redis node; no Cluster yet).
 */

export const NOTIFY_QUEUE = 'notify';

export function hostQueueName(host: string): string {
  return `host.${host}`;
}

export class Keys {
  constructor(readonly prefix: string) {}
  /** Hash host → registration JSON (kind, group, capacity, versions). */
  get hosts(): string {
    return `${this.prefix}:hosts`;
  }
  /** Hash host → epoch ms of its last heartbeat; kept after the heartbeat expires. */
  get lastSeen(): string {
    return `${this.prefix}:lastseen`;
  }
  heartbeat(host: string): string {
    return `${this.prefix}:heartbeat:${host}`;
  }
  inventory(host: string): string {
    return `${this.prefix}:inventory:${host}`;
  }
  /** Pub/sub channel announcing which host's inventory just changed. */
  get inventoryChannel(): string {
    return `${this.prefix}:inventory-changed`;
  }
  /** Pub/sub channel on which a host's worker hears cancel requests. */
  cancelChannel(host: string): string {
    return `${this.prefix}:cancel:${host}`;
  }
  /** Hash: the Slack message of one job (channel, ts, latest payload, versions). */
  slackMessage(requestId: string): string {
    return `${this.prefix}:slack:msg:${requestId}`;
  }
  /** One message waiting to be sent (ephemeral, response_url reply, post). */
  slackItem(id: string): string {
    return `${this.prefix}:slack:item:${id}`;
  }
  /** Sorted sets of work due for Slack, by time: `hi` goes ahead of `lo`. */
  slackDue(priority: 'hi' | 'lo'): string {
    return `${this.prefix}:slack:due:${priority}`;
  }
  /** The replica that currently runs the notifier. */
  get notifierLeader(): string {
    return `${this.prefix}:notifier:leader`;
  }
  /** Pub/sub channel that wakes the notifier when new Slack work is due. */
  get slackWake(): string {
    return `${this.prefix}:slack:wake`;
  }
  /** Stream: the audit trail, append-only (see audit/log.ts). */
  get audit(): string {
    return `${this.prefix}:audit`;
  }
}
