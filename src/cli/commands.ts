/**
 * The subcommands: their options, help and exit statuses. Each one's code is imported only when
 * it runs, so `--help`, `--version` and a usage error answer without loading Slack or BullMQ.
 */
import type { OptionSpecs, ParsedArgs } from './argv.js';
import { exitStatusHelp } from './exit-codes.js';

/** One subcommand of `vpsops`. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for `vpsops --help`. */
  summary: string;
  /** The `--help` text; its first paragraph is the usage printed under a usage error. */
  help: string;
  /** Its options besides --help, which every subcommand takes. */
  options: O;
  /** How many arguments that are not options it takes. */
  maxPositionals: number;
  run(args: ParsedArgs<O>): Promise<void>;
}

/** Checks one subcommand's `run` against its own options, then forgets them for the table. */
function define<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec {
  return spec as unknown as CommandSpec;
}

const STOPPED = 'stopped by SIGTERM or SIGINT';
const SERVICE_EXITS = ['USAGE', 'CONFIG', 'UNAVAILABLE', 'SOFTWARE'] as const;

const bot = define({
  name: 'bot',
  summary: 'the Slack bot and its notifier (--terminal: a chat prompt on the configured fleet instead)',
  help: `Usage: vpsops bot [--terminal [--as USER]]

Runs the Slack app against the configured Redis: Bolt's HTTP receiver on PORT (default 3000;
Slack posts to /slack/events, GET /healthz answers ok), or Socket Mode when SLACK_APP_TOKEN is set;
and the notifier that posts and updates job messages. Several replicas may run on one Redis.
Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, PORT,
REDIS_URL, VPSOPS_CONFIG, VPSOPS_JOB_KEY.

--terminal runs the terminal chat instead (type /vps commands as USER, default $USER).

${exitStatusHelp([['OK', `${STOPPED}, or the terminal chat ended`], ...SERVICE_EXITS])}`,
  options: { terminal: { type: 'boolean' }, as: { type: 'string' } },
  maxPositionals: 0,
  async run({ values: v }) {
    return (await import('./chat.js')).botMain({ ...(v.as ? { user: v.as } : {}), terminal: !!v.terminal });
  },
});

const worker = define({
  name: 'worker',
  summary: 'run the jobs of one host (vpsops worker --host NAME)',
  help: `Usage: vpsops worker --host NAME [--exit-with-parent]

Runs the jobs of one host's queue against its hypervisor, publishes its inventory and
heartbeat to Redis, and watches its guests. Run one per hypervisor host.

  --host NAME          the host, as named under hosts: in the config
  --exit-with-parent   exit when the process that started this one goes away (used by the demo)

Environment: REDIS_URL, VPSOPS_CONFIG, VPSOPS_JOB_KEY, LOG_LEVEL.
SIGTERM lets running jobs finish (worker.shutdownGrace), then hands the rest back to the queue.

${exitStatusHelp([['OK', STOPPED], ...SERVICE_EXITS])}`,
  options: { host: { type: 'string' }, 'exit-with-parent': { type: 'boolean' } },
  maxPositionals: 0,
  async run({ values: v }) {
    return (await import('./worker.js')).workerMain({
      ...(v.host ? { host: v.host } : {}),
      exitWithParent: !!v['exit-with-parent'],
    });
  },
});

const demo = define({
  name: 'demo',
  summary: 'everything on this machine: private Redis, a simulated OpenVZ host, a chat prompt',
  help: `Usage: vpsops demo [--as USER] [--state-dir DIR]

Starts a private redis-server on a free port (unless REDIS_URL is set), a worker for a simulated
OpenVZ host with a few containers, and a prompt where you type /vps commands as USER (default
alice; /as <user> switches). /sim crash <ctid> makes a container die, /sim worker stop|start
silences the host and brings it back. Ctrl-C or /quit ends it.
State and logs go to DIR (default .vpsops-demo in the package); it is emptied at start.

${exitStatusHelp([['OK', 'ended with /quit or Ctrl-C'], 'USAGE', 'CONFIG', 'SOFTWARE'])}`,
  options: { as: { type: 'string' }, 'state-dir': { type: 'string' } },
  maxPositionals: 0,
  async run({ values: v }) {
    return (await import('./chat.js')).demoMain({
      user: v.as ?? 'alice',
      ...(v['state-dir'] ? { dir: v['state-dir'] } : {}),
    });
  },
});

const exec = define({
  name: 'exec',
  summary: 'one command through the chat path: vpsops exec "/vps start 101" --as alice',
  help: `Usage: vpsops exec "<command>" --as USER [--channel ID] [--timeout DURATION] [--no-wait] [--json]

Sends one /vps command through the same path as chat (parse, authorize, enqueue to the live
workers via REDIS_URL), waits for the outcome and prints the reply on stdout. Logs go to stderr.

  --as USER            who runs it, as the access policy names people
  --channel ID         the channel recorded with the job
  --timeout DURATION   how long to wait for the outcome (default jobs.execTimeout)
  --no-wait            return once the job is queued
  --json               print the outcome as one JSON object instead of the reply: ok, status,
                       exitCode, requestId, host, text, and result or error (see the README)

${exitStatusHelp(['OK', 'FAILED', 'REFUSED', 'TIMEOUT', 'PENDING', ...SERVICE_EXITS])}`,
  options: {
    as: { type: 'string' },
    channel: { type: 'string' },
    timeout: { type: 'string' },
    'no-wait': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  maxPositionals: Number.POSITIVE_INFINITY,
  async run({ values: v, positionals }) {
    return (await import('./exec.js')).execMain({
      ...(positionals.length ? { command: positionals.join(' ') } : {}),
      ...(v.as ? { as: v.as } : {}),
      ...(v.channel ? { channel: v.channel } : {}),
      ...(v.timeout ? { timeout: v.timeout } : {}),
      wait: !v['no-wait'],
      json: !!v.json,
    });
  },
});

const doctor = define({
  name: 'doctor',
  summary: 'check configuration, Redis, hypervisor tools and workers',
  help: `Usage: vpsops doctor [--host NAME]

Checks the configuration, the job key, Redis, each host's hypervisor tools (on this machine),
whether each host's worker is reporting, and the Slack tokens (auth.test). Prints what is wrong
and how to fix it.

${exitStatusHelp([
  ['OK', 'no check failed (warnings allowed)'],
  ['FAILED', 'a check failed: the ✘ lines say which, and how to fix it'],
  'USAGE',
  ['CONFIG', 'the configuration cannot be loaded, so nothing else was checked'],
])}`,
  options: { host: { type: 'string' } },
  maxPositionals: 0,
  async run({ values: v }) {
    return (await import('./doctor.js')).doctorMain({ ...(v.host ? { host: v.host } : {}) });
  },
});

const audit = define({
  name: 'audit',
  summary: 'export the audit trail: vpsops audit export --format jsonl|csv [--since 7d]',
  help: `Usage: vpsops audit export --format jsonl|csv [--since WHEN] [--until WHEN]

Writes the audit trail (commands, approvals, jobs, chat messages) from REDIS_URL to stdout,
oldest first. WHEN is a duration back from now (2h, 7d) or an ISO date or date-time
(2026-11-01, 2026-11-01T14:00; UTC unless an offset is given); --since is inclusive, --until
exclusive.

jsonl: one entry per line, exactly as stored, with its stream id.
csv:   RFC 4180 with a header row; times in ISO 8601 UTC.

The trail is append-only: vpsops never trims it. Keep or archive it as your retention rules
require (e.g. export, then XTRIM <prefix>:audit MINID <id>).

${exitStatusHelp([['OK', 'the export is written'], ...SERVICE_EXITS])}`,
  options: { format: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } },
  maxPositionals: 1,
  async run({ values: v, positionals }) {
    return (await import('./audit.js')).auditMain({
      ...(positionals[0] ? { sub: positionals[0] } : {}),
      ...(v.format !== undefined ? { format: v.format } : {}),
      ...(v.since !== undefined ? { since: v.since } : {}),
      ...(v.until !== undefined ? { until: v.until } : {}),
    });
  },
});

/** Every subcommand, in the order `vpsops --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [bot, worker, demo, exec, doctor, audit];

/** The first paragraph of a help text: what a usage error prints under its one line. */
export function usageOf(help: string): string {
  return help.split('\n\n')[0]!;
}
