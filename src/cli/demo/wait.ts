/** Waits until a worker has registered, beaten and published its inventory. */
import { Redis } from 'ioredis';
import type { Config } from '../../config/schema.js';
import type { Daemon } from '../../drivers/exec.js';
import { OpError } from '../../model/errors.js';
import { FleetStore } from '../../store/fleet.js';
import { Keys } from '../../store/keys.js';

export async function waitForHost(
  config: Config,
  host: string,
  worker: Daemon,
  timeoutMs: number,
): Promise<void> {
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
  const fleet = new FleetStore(redis, new Keys(config.redis.prefix));
  let exited: number | undefined | null = null;
  void worker.exited.then((c) => {
    exited = c;
  });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited !== null)
        throw new OpError('INTERNAL', `The worker for ${host} exited (status ${exited}); see its log.`);
      const [v] = await fleet.hosts([host]);
      if (v?.lastBeat !== undefined && v.inventory) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new OpError(
      'TIMEOUT',
      `The worker for ${host} did not report within ${timeoutMs / 1000}s; see its log.`,
    );
  } finally {
    redis.disconnect();
  }
}
