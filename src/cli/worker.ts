/** `vpsops worker --host NAME` */
import { catalogue } from '../../jobs/index.js';
import { hostDriverConfig } from '../config/load.js';
import { createDriver } from '../drivers/index.js';
import { checkJobKey } from '../model/signing.js';
import { startWorker } from '../worker/index.js';
import { fail, onShutdown, requireRedis, setup } from './common.js';
import { usageError } from './exit-codes.js';

/**
 * Starts the worker of one host and keeps it running until SIGTERM or SIGINT. A failure to start
 * ends the process with the status of its kind: the host missing from the config is CONFIG.
 */
export async function workerMain(opts: { host?: string; exitWithParent?: boolean }): Promise<void> {
  if (!opts.host) throw usageError('worker', '--host NAME is required');
  const { config: loaded, log } = setup();
  const host = opts.host;
  // A worker runs on a hypervisor host and never talks to Slack: it must not hold Slack secrets.
  const { jobKey: key, ...slackSecrets } = loaded.secrets;
  if (Object.values(slackSecrets).some(Boolean))
    log.warn('SLACK_* variables are set for this worker; it ignores them. Remove them from its environment.');
  const config = { ...loaded, secrets: key ? { jobKey: key } : {} };
  let h: ReturnType<typeof hostDriverConfig>;
  try {
    h = hostDriverConfig(config, host);
  } catch (err) {
    // Here the name comes from the command line and must be in the config, not from a chat.
    fail(err, 'CONFIG');
  }
  try {
    const jobKey = checkJobKey(config.secrets.jobKey);
    await requireRedis(config.redis.url);
    const driver = createDriver(config, host, log);
    const worker = await startWorker({
      config,
      host,
      driver,
      jobKey,
      catalogue,
      log: log.child({ host }),
      group: h.group,
    });
    onShutdown(async (signal) => {
      log.info({ signal }, 'stopping worker');
      await worker.close();
    });
    if (opts.exitWithParent) {
      const parent = process.ppid;
      setInterval(() => {
        if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
      }, 1000).unref();
    }
  } catch (err) {
    fail(err);
  }
}
