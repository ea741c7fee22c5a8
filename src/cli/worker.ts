/** `vpsops worker --host NAME` */
import { catalogue } from '../../jobs/index.js';
import { hostDriverConfig } from '../config/load.js';
import { checkJobKey } from '../core/signing.js';
import { createDriver } from '../drivers/index.js';
import { startWorker } from '../worker/index.js';
import { fail, onShutdown, setup } from './common.js';

export const WORKER_HELP = `Usage: vpsops worker --host NAME [--exit-with-parent]

Runs the jobs of one host's queue against its hypervisor, publishes its inventory and
heartbeat to Redis, and watches its guests. Run one per hypervisor host.

  --host NAME          the host, as named under hosts: in the config
  --exit-with-parent   exit when the process that started this one goes away (used by the demo)

Environment: REDIS_URL, VPSOPS_CONFIG, VPSOPS_JOB_KEY, LOG_LEVEL.
SIGTERM lets running jobs finish (worker.shutdownGrace), then hands the rest back to the queue.`;

export async function workerMain(opts: { host?: string; exitWithParent?: boolean }): Promise<void> {
  if (!opts.host) fail(new Error(`--host is required.\n\n${WORKER_HELP}`));
  const { config: loaded, log } = setup();
  const host = opts.host;
  // A worker runs on a hypervisor host and never talks to Slack: it must not hold Slack secrets.
  const { jobKey: key, ...slackSecrets } = loaded.secrets;
  if (Object.values(slackSecrets).some(Boolean))
    log.warn('SLACK_* variables are set for this worker; it ignores them. Remove them from its environment.');
  const config = { ...loaded, secrets: key ? { jobKey: key } : {} };
  try {
    const jobKey = checkJobKey(config.secrets.jobKey);
    const h = hostDriverConfig(config, host);
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
