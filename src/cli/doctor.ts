/**
 * `vpsops doctor`: checks what vpsops needs and says how to fix what is wrong.
 * Exit status 0 when nothing failed (warnings allowed), 1 otherwise; 78 when the configuration
 * itself cannot be loaded, since then nothing else can be checked.
 */
import { access, readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { hostDriverConfig, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { run } from '../drivers/exec.js';
import { BINDING_PACKAGE, loadBinding } from '../drivers/kvm/binding.js';
import { OpError } from '../model/errors.js';
import { checkJobKey } from '../model/signing.js';
import { redactUrl } from '../store/connection.js';
import { FleetStore } from '../store/fleet.js';
import { Keys } from '../store/keys.js';
import { checkSlack } from './doctor-slack.js';
import { EXIT } from './exit-codes.js';

type Level = 'ok' | 'warn' | 'fail';
interface Check {
  level: Level;
  what: string;
  fix?: string;
}
const MARK: Record<Level, string> = { ok: '✔', warn: '!', fail: '✘' };

/** Runs every check, printing each as it goes, and exits with the overall status. */
export async function doctorMain(opts: { host?: string }): Promise<void> {
  const checks: Check[] = [];
  const add = (level: Level, what: string, fix?: string) => {
    checks.push(fix ? { level, what, fix } : { level, what });
    console.log(`${MARK[level]} ${what}${fix ? `\n    → ${fix}` : ''}`);
  };
  let config: Config;
  try {
    config = loadConfig();
    add('ok', `configuration is valid (${Object.keys(config.hosts).length} hosts)`);
  } catch (err) {
    add(
      'fail',
      (err as OpError).userMessage ?? String(err),
      'fix the keys named above in the file VPSOPS_CONFIG points to',
    );
    process.exit(EXIT.CONFIG);
  }
  try {
    checkJobKey(config.secrets.jobKey);
    add('ok', 'VPSOPS_JOB_KEY is set');
  } catch (err) {
    add(
      'fail',
      (err as OpError).userMessage,
      'export VPSOPS_JOB_KEY=$(openssl rand -hex 32) on the bot and every worker',
    );
  }
  await checkRedis(config, add);
  const hosts = opts.host ? [opts.host] : Object.keys(config.hosts);
  for (const h of hosts) await checkHostTools(config, h, add);
  await checkSlack(config, add);
  process.exit(checks.some((c) => c.level === 'fail') ? EXIT.FAILED : EXIT.OK);
}

async function checkRedis(config: Config, add: (l: Level, w: string, f?: string) => void): Promise<void> {
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    add('ok', `Redis ${version} answers at ${redactUrl(config.redis.url)}`);
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (policy[1] === 'noeviction') add('ok', 'Redis maxmemory-policy is noeviction');
    else
      add(
        'warn',
        `Redis maxmemory-policy is ${policy[1]}: queued jobs could be evicted`,
        'set maxmemory-policy noeviction',
      );
    const fleet = new FleetStore(redis, new Keys(config.redis.prefix));
    for (const v of await fleet.hosts(Object.keys(config.hosts))) {
      if (v.lastBeat !== undefined) add('ok', `worker for ${v.name} is reporting`);
      else
        add(
          'warn',
          `no worker is reporting for ${v.name}`,
          `run: vpsops worker --host ${v.name} (on that host)`,
        );
    }
  } catch (err) {
    add(
      'fail',
      `Redis at ${redactUrl(config.redis.url)} does not answer (${(err as Error).message})`,
      'start Redis or set REDIS_URL',
    );
  } finally {
    redis.disconnect();
  }
}

async function checkHostTools(
  config: Config,
  host: string,
  add: (l: Level, w: string, f?: string) => void,
): Promise<void> {
  let h: ReturnType<typeof hostDriverConfig>;
  try {
    h = hostDriverConfig(config, host);
  } catch (err) {
    return add('fail', (err as OpError).userMessage);
  }
  if (h.kind === 'kvm') return checkKvm(host, h.kvm.uri, add);
  const { vzctl, vzlist, procRoot } = h.openvz;
  try {
    const r = await run(vzctl, ['--version'], { timeoutMs: 10_000 });
    add(
      r.exitCode === 0 ? 'ok' : 'fail',
      `${host}: ${vzctl} ${r.exitCode === 0 ? r.stdout.trim() : `exits ${r.exitCode}`}`,
    );
    await access(vzlist);
    add('ok', `${host}: ${vzlist} is present`);
    await readFile(`${procRoot}/meminfo`, 'utf8');
    add('ok', `${host}: ${procRoot}/meminfo is readable`);
  } catch (err) {
    const msg = err instanceof OpError ? err.userMessage : (err as Error).message;
    add(
      'warn',
      `${host}: ${msg}`,
      `run doctor on ${host} itself, or set hosts.${host}.openvz paths (vzctl, vzlist, procRoot)`,
    );
  }
}

async function checkKvm(
  host: string,
  uri: string,
  add: (l: Level, w: string, f?: string) => void,
): Promise<void> {
  try {
    await loadBinding();
    add('ok', `${host}: the ${BINDING_PACKAGE} binding is installed`);
  } catch (err) {
    add('fail', `${host}: the ${BINDING_PACKAGE} binding cannot be loaded`, (err as OpError).userMessage);
  }
  try {
    const r = await run('virsh', ['-c', uri, 'version'], { timeoutMs: 15_000, env: { LC_ALL: 'C' } });
    const version =
      /Running hypervisor: (.+)/.exec(r.stdout)?.[1] ?? /Using library: (.+)/.exec(r.stdout)?.[1];
    if (r.exitCode === 0)
      add('ok', `${host}: libvirt answers at ${uri}${version ? ` (${version.trim()})` : ''}`);
    else
      add(
        'fail',
        `${host}: libvirt at ${uri} does not answer: ${r.stderr.trim().split('\n')[0]}`,
        'start libvirtd (scripts/setup-libvirt.sh sets one up)',
      );
  } catch (err) {
    const msg = err instanceof OpError ? err.userMessage : (err as Error).message;
    add('warn', `${host}: ${msg}`, 'install libvirt-clients for virsh');
  }
}
