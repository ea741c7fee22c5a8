/**
 * `vpsops demo`: the whole pipeline in one terminal. A private redis-server (unless REDIS_URL is
 * set), a worker for a simulated OpenVZ host as a child process, the notifier and the terminal
 * chat. Ctrl-C or /quit stops everything and leaves no process behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse as parseYaml, stringify } from 'yaml';
import { createBotCore } from '../../bot/core.js';
import { runTerminalSession } from '../../chat/terminal/session.js';
import { deepMerge, loadConfig, packageRoot } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { type Daemon, spawnDaemon } from '../../drivers/exec.js';
import { INSTALL_SENTENCE, loadBinding } from '../../drivers/kvm/binding.js';
import { createLogger } from '../../log.js';
import { createSimHost, simControl } from '../../sim/openvz/index.js';
import { DEMO_CONTAINERS, DEMO_DELAYS } from './fleet.js';
import { ensureRedis } from './redis.js';
import { waitForHost } from './wait.js';

export interface DemoOptions {
  user: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  tty: boolean;
  /** Where state and logs go; default .vpsops-demo in the package. */
  dir?: string;
  env: Readonly<Record<string, string | undefined>>;
}

const HOST = 'vz-1';
/** The KVM host runs on libvirt's built-in test driver, through the @unraid/libvirt binding. */
const KVM_HOST = 'kvm-1';

export async function runDemo(o: DemoOptions): Promise<void> {
  const say = (t: string) => o.output.write(`${t}\n`);
  const dir = o.dir ?? join(packageRoot(), '.vpsops-demo');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const stack: (() => Promise<void>)[] = [];
  const shutdown = async () => {
    for (const f of stack.reverse()) await f().catch(() => {});
  };
  try {
    say('Starting the vpsops demo…');
    const redis = await ensureRedis(o.env, dir, say);
    if (redis.stop) stack.push(redis.stop);
    const sim = await createSimHost({
      dir: join(dir, HOST),
      containers: DEMO_CONTAINERS,
      delays: DEMO_DELAYS,
    });
    // Comparing the two hypervisors is the point; without the binding the demo goes on with one.
    const kvmOff = await loadBinding().then(
      () => undefined,
      () => kvmAdvice(),
    );
    if (kvmOff) say(`KVM host ${KVM_HOST} is off: ${kvmOff}`);
    const configFile = join(dir, 'config.yaml');
    await writeFile(configFile, stringify(await demoConfig(sim, !kvmOff)));
    const jobKey = o.env.VPSOPS_JOB_KEY ?? randomBytes(32).toString('hex');
    const env = { VPSOPS_CONFIG: configFile, REDIS_URL: redis.url, VPSOPS_JOB_KEY: jobKey };
    const config = loadConfig({ env: { ...o.env, ...env }, file: configFile });
    let worker = startWorkerChild(HOST, env, join(dir, `worker-${HOST}.log`));
    stack.push(() => worker.stop(10_000));
    // `/sim worker stop|start`: the host goes silent, then reports again.
    const workerControl = {
      stop: () => worker.stop(10_000),
      start: () => {
        worker = startWorkerChild(HOST, env, join(dir, `worker-${HOST}.log`));
      },
    };
    const [kvmUp] = await Promise.all([
      kvmOff ? false : startKvm(config, env, dir, stack, say),
      waitForHost(config, HOST, worker, 30_000),
    ]);
    const log = createLogger(config.log.level, pino.destination(join(dir, 'bot.log')));
    const core = createBotCore(config, log);
    stack.push(() => core.close());
    await runTerminalSession({
      core,
      log,
      user: o.user,
      input: o.input,
      output: o.output,
      tty: o.tty,
      extra: { sim: simCommand(sim.dir, workerControl) },
      onReady: () => {
        say(`Ready: OpenVZ host ${HOST} (simulated) with ${DEMO_CONTAINERS.length} containers. Logs: ${dir}`);
        if (kvmUp)
          say(`      KVM host ${KVM_HOST} on libvirt's test driver (test:///default) with its guest "test".`);
        say('Try: /vps list · /vps start mail-1 · /vps stop web-1 · /vps snapshot db-1 · /vps help');
      },
    });
  } finally {
    say(`${o.tty ? '\n' : ''}Stopping the demo…`);
    await shutdown();
  }
}

/** How to turn the KVM host on: the setup script in a clone, else what the driver says. */
function kvmAdvice(): string {
  const script = join(packageRoot(), 'scripts', 'setup-machine.sh');
  return existsSync(script)
    ? 'its libvirt binding is not built, which needs libvirt-dev. Add it with: sudo bash scripts/setup-machine.sh demo, then npm run demo again.'
    : INSTALL_SENTENCE;
}

/** Starts the KVM host's worker; false (and why, once) when it does not come up. */
async function startKvm(
  config: Config,
  env: Record<string, string>,
  dir: string,
  stack: (() => Promise<void>)[],
  say: (t: string) => void,
): Promise<boolean> {
  const kvmLog = join(dir, `worker-${KVM_HOST}.log`);
  const kvm = startWorkerChild(KVM_HOST, env, kvmLog);
  stack.push(() => kvm.stop(10_000));
  try {
    await waitForHost(config, KVM_HOST, kvm, 30_000);
    return true;
  } catch {
    say(`KVM host ${KVM_HOST} is not available: ${await lastLine(kvmLog)}`);
    return false;
  }
}

/** config/demo.yaml with the simulator's paths filled in, and the KVM host only when it can run. */
async function demoConfig(
  sim: { vzctl: string; vzlist: string; procRoot: string; dir: string },
  withKvm: boolean,
): Promise<Record<string, unknown>> {
  const base = parseYaml(await readFile(join(packageRoot(), 'config', 'demo.yaml'), 'utf8')) as {
    hosts: Record<string, unknown>;
  };
  if (!withKvm) delete base.hosts[KVM_HOST];
  const paths = { vzctl: sim.vzctl, vzlist: sim.vzlist, procRoot: sim.procRoot, diskRoot: sim.dir };
  const kvm = withKvm ? { [KVM_HOST]: { kvm: { imageDir: join(sim.dir, '..', 'images') } } } : {};
  return deepMerge(base, { hosts: { [HOST]: { openvz: paths }, ...kvm } });
}

function startWorkerChild(host: string, env: Record<string, string>, logFile: string): Daemon {
  const cli = join(packageRoot(), 'dist', 'src', 'cli.js');
  return spawnDaemon(process.execPath, [cli, 'worker', '--host', host, '--exit-with-parent'], {
    env,
    logFile,
  });
}

/** The worker's last words (it prints one sentence on stderr when it cannot start). */
async function lastLine(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('vpsops:') || !l.startsWith('{'));
  return (lines.at(-1) ?? 'it did not report; see its log').replace(/^vpsops: /, '');
}

type WorkerControl = { stop(): Promise<unknown>; start(): void };

const SIM_USAGE =
  '/sim crash <ctid> · /sim failcnt <ctid> <resource> <n> · /sim delay <action> <ms> · /sim worker stop|start';

function simCommand(dir: string, worker: WorkerControl) {
  const ctl = simControl(dir);
  return {
    help: `simulate trouble: ${SIM_USAGE}`,
    run: async (words: string[]) => {
      try {
        if (words[0] === 'worker' && words[1] === 'stop') {
          await worker.stop();
          return `The worker of ${HOST} stopped: it goes silent once its heartbeat expires.`;
        }
        if (words[0] === 'worker' && words[1] === 'start') {
          worker.start();
          return `The worker of ${HOST} is starting again.`;
        }
        return await simRun(ctl, words);
      } catch (err) {
        // The simulator refuses e.g. to crash a stopped container; say so in its own words.
        return `/sim: ${(err as Error).message}`;
      }
    },
  };
}

async function simRun(ctl: ReturnType<typeof simControl>, [what, a, b, c]: string[]): Promise<string> {
  if (what === 'crash' && a && /^\d+$/.test(a)) {
    await ctl.crash(Number(a));
    return `CT ${a} died as if it crashed; watch for the alert.`;
  }
  if (what === 'failcnt' && a && b && c && /^\d+$/.test(a) && /^\d+$/.test(c)) {
    await ctl.bumpFailcnt(Number(a), b, Number(c));
    return `CT ${a}: ${b} failcnt grew by ${c}.`;
  }
  if (what === 'delay' && a && b && /^\d+$/.test(b)) {
    await ctl.setDelay(a, Number(b));
    return `vzctl ${a} now takes ${b} ms.`;
  }
  return `Usage: ${SIM_USAGE}`;
}
