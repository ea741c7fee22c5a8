/**
 * Child processes of the bench: `ours` runs a vpsops worker on the in-memory driver, `floor` a
 * bare BullMQ worker that completes every job at once. Each writes its RSS to Redis.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { catalogue } from '../jobs/index.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { startWorker } from '../src/worker/index.js';
import { MemoryDriver } from '../testkit/memory-driver.js';

const [mode, url, key] = process.argv.slice(2) as [string, string, string];
const redis = new Redis(url);
setInterval(() => void redis.set(`bench:rss:${mode}`, String(process.memoryUsage().rss)), 200).unref();

if (mode === 'floor') {
  const w = new Worker('floor', async () => ({ ok: true }), {
    connection: new Redis(url, { maxRetriesPerRequest: null }),
    concurrency: 1,
  });
  process.on('SIGTERM', () => void w.close().then(() => process.exit(0)));
} else {
  const config = loadConfig({
    env: { REDIS_URL: url, VPSOPS_JOB_KEY: key },
    overrides: [{ hosts: { bench: { kind: 'openvz' } } }],
  });
  const w = await startWorker({
    config,
    host: 'bench',
    driver: new MemoryDriver(50),
    jobKey: key,
    catalogue,
    log: createLogger('warn'),
    group: 'bench',
  });
  process.on('SIGTERM', () => void w.close(1000).then(() => process.exit(0)));
}
