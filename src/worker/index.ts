/**
 * `vpsops worker --host NAME`: registers the host, heartbeats, publishes its inventory, watches
 * its guests and runs the jobs of its queue. close() lets running jobs finish within a grace
 * period and otherwise leaves them to be handed back to the queue.
 */
import { Worker } from 'bullmq';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Hypervisor } from '../model/hypervisor.js';
import type { SignedJob } from '../model/request.js';
import type { OperationDef } from '../ops/operation.js';
import { ApprovalStore } from '../store/approvals.js';
import { AuditLog } from '../store/audit.js';
import { connect } from '../store/connection.js';
import { FleetStore } from '../store/fleet.js';
import { hostQueueName, Keys } from '../store/keys.js';
import { NotifyPublisher } from '../store/notify.js';
import { Intents } from './intents.js';
import { InventoryPublisher } from './inventory.js';
import { GuestLocks, Semaphore } from './locks.js';
import { PressurePoller } from './pressure.js';
import { JobRunner } from './runner.js';
import { GuestWatcher } from './watch.js';

/** Longest an operation's "done" waits for the inventory to show its change. */
const INVENTORY_WAIT_MS = 5_000;

function withinMs(p: Promise<void>, ms: number): Promise<void> {
  return Promise.race([p, new Promise<void>((r) => setTimeout(r, ms).unref())]);
}

export interface WorkerOptions {
  config: Config;
  host: string;
  driver: Hypervisor;
  jobKey: string;
  catalogue: ReadonlyMap<string, OperationDef>;
  log: Logger;
  /** Group of the host, from the config. */
  group: string;
}

export interface RunningWorker {
  /** Stops taking jobs, waits up to graceMs for running ones, then exits; returns whether all finished. */
  close(graceMs?: number): Promise<boolean>;
}

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const { config, host, driver, log } = o;
  const redis = connect({ url: config.redis.url, log });
  const keys = new Keys(config.redis.prefix);
  const fleet = new FleetStore(redis, keys);
  const notify = new NotifyPublisher(redis, keys.prefix);
  const [info, capacity] = await Promise.all([driver.info(), driver.capacity()]);
  await fleet.register({
    host,
    kind: driver.kind,
    group: o.group,
    capacity,
    versions: info.versions,
    pid: process.pid,
    startedAt: Date.now(),
  });
  // Inventory first: a host that reads as up must already have guests the bot can resolve.
  const inventory = new InventoryPublisher(host, driver, fleet, log, config.worker.inventoryInterval);
  await inventory.refresh();
  inventory.start();
  const ttl = config.worker.heartbeatTtl;
  await fleet.heartbeat(host, ttl);
  const beat = setInterval(
    () => fleet.heartbeat(host, ttl).catch((err) => log.warn({ err }, 'heartbeat failed')),
    config.worker.heartbeatInterval,
  );
  const intents = new Intents(Math.max(10_000, config.openvz.pollInterval * 2));
  const watcher = new GuestWatcher(host, driver, intents, inventory, notify, log);
  watcher.start();
  const pressure = driver.failCounts
    ? new PressurePoller({
        host,
        read: (signal) => driver.failCounts!(signal),
        guests: () => inventory.guests,
        publish: (n) => notify.publish(n),
        log: log.child({ poller: 'pressure' }),
        intervalMs: config.openvz.pollInterval,
      })
    : undefined;
  pressure?.start();
  // Cancels that arrive before their job is running here (a race with pick-up) are remembered.
  const early = new Map<string, number>();
  const runner = new JobRunner({
    host,
    driver,
    catalogue: o.catalogue,
    jobKey: o.jobKey,
    notify,
    log,
    intents,
    locks: new GuestLocks(),
    slots: new Semaphore(config.worker.concurrency),
    onChange: () => withinMs(inventory.refresh(), INVENTORY_WAIT_MS),
    cancelledEarly: (id) => early.delete(id),
    maxAgeMs: config.jobs.maxAge,
    approvals: new ApprovalStore(redis, keys),
    audit: new AuditLog(redis, keys),
  });
  // BullMQ does not close a connection it is handed; close() quits this one.
  const workerConnection = connect({ url: config.redis.url, blocking: true, log });
  const worker = new Worker<SignedJob>(hostQueueName(host), runner.process, {
    connection: workerConnection,
    prefix: keys.prefix,
    // More jobs may be fetched than run: those for a busy guest wait without taking a running slot.
    concurrency: Math.max(config.worker.concurrency * 4, 16),
    maxStalledCount: 1,
  });
  worker.on('error', (err) => log.error({ err }, 'queue worker error'));
  const sub = connect({ url: config.redis.url, blocking: true, log });
  await sub.subscribe(keys.cancelChannel(host));
  sub.on('message', (_ch, msg) => {
    const { id, by } = JSON.parse(msg) as { id: string; by: string };
    const found = worker.cancelJob(id, `cancelled by ${by}`);
    if (!found) {
      early.set(id, Date.now());
      for (const [k, at] of early) if (Date.now() - at > 60_000) early.delete(k);
    }
    log.info({ jobId: id, by, found }, 'cancel requested');
  });
  log.info({ host, kind: driver.kind, capacity }, 'worker ready');

  return {
    async close(graceMs = config.worker.shutdownGrace) {
      clearInterval(beat);
      watcher.stop();
      pressure?.stop();
      inventory.stop();
      const finished = await Promise.race([
        worker.close().then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref()),
      ]);
      // Jobs still running are left active; their locks expire and the next worker takes them back.
      if (!finished) await worker.close(true);
      await workerConnection.quit().catch(() => {});
      await sub.quit().catch(() => {});
      await fleet.signOff(host).catch(() => {});
      await notify.close();
      await driver.close();
      await redis.quit().catch(() => {});
      log.info({ finished }, 'worker stopped');
      return finished;
    },
  };
}
