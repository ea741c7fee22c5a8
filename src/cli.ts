#!/usr/bin/env node
/** vpsops: bot | worker | demo | exec | doctor | audit */
import { parseArgs } from 'node:util';
import { AUDIT_HELP } from './cli/audit.js';
import { fail } from './cli/common.js';
import { DOCTOR_HELP } from './cli/doctor.js';
import { EXEC_HELP } from './cli/exec.js';
import { WORKER_HELP } from './cli/worker.js';

const HELP = `Usage: vpsops <command> [options]

Commands:
  bot       the Slack bot and its notifier (--terminal: a chat prompt on the configured fleet instead)
  worker    run the jobs of one host (vpsops worker --host NAME)
  demo      everything on this machine: private Redis, a simulated OpenVZ host, a chat prompt
  exec      one command through the chat path: vpsops exec "/vps start 101" --as alice
  doctor    check configuration, Redis, hypervisor tools and workers
  audit     export the audit trail: vpsops audit export --format jsonl|csv [--since 7d]

Run vpsops <command> --help for its options. Configuration: config/default.yaml, VPSOPS_CONFIG,
REDIS_URL, VPSOPS_JOB_KEY (see README).`;

const BOT_HELP = `Usage: vpsops bot [--terminal [--as USER]]

Runs the Slack app against the configured Redis: Bolt's HTTP receiver on PORT (default 3000;
Slack posts to /slack/events, GET /healthz answers ok), or Socket Mode when SLACK_APP_TOKEN is set;
and the notifier that posts and updates job messages. Several replicas may run on one Redis.
Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, PORT,
REDIS_URL, VPSOPS_CONFIG, VPSOPS_JOB_KEY.

--terminal runs the terminal chat instead (type /vps commands as USER, default $USER).`;

const DEMO_HELP = `Usage: vpsops demo [--as USER] [--state-dir DIR]

Starts a private redis-server on a free port (unless REDIS_URL is set), a worker for a simulated
OpenVZ host with a few containers, and a prompt where you type /vps commands as USER (default
alice; /as <user> switches). /sim crash <ctid> makes a container die, /sim worker stop|start
silences the host and brings it back. Ctrl-C or /quit ends it.
State and logs go to DIR (default .vpsops-demo in the package); it is emptied at start.`;

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      host: { type: 'string' },
      as: { type: 'string' },
      channel: { type: 'string' },
      timeout: { type: 'string' },
      'no-wait': { type: 'boolean' },
      'exit-with-parent': { type: 'boolean' },
      'state-dir': { type: 'string' },
      terminal: { type: 'boolean' },
      format: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
    },
  });
  const help = (text: string) => {
    console.log(text);
    process.exit(0);
  };
  switch (cmd) {
    case 'worker':
      if (values.help) help(WORKER_HELP);
      return (await import('./cli/worker.js')).workerMain({
        ...(values.host ? { host: values.host } : {}),
        exitWithParent: values['exit-with-parent'] ?? false,
      });
    case 'demo':
      if (values.help) help(DEMO_HELP);
      return (await import('./cli/chat.js')).demoMain({
        user: values.as ?? 'alice',
        ...(values['state-dir'] ? { dir: values['state-dir'] } : {}),
      });
    case 'bot':
      if (values.help) help(BOT_HELP);
      return (await import('./cli/chat.js')).botMain({
        ...(values.as ? { user: values.as } : {}),
        terminal: values.terminal ?? false,
      });
    case 'exec':
      if (values.help) help(EXEC_HELP);
      return (await import('./cli/exec.js')).execMain({
        ...(positionals[0] ? { command: positionals.join(' ') } : {}),
        ...(values.as ? { as: values.as } : {}),
        ...(values.channel ? { channel: values.channel } : {}),
        ...(values.timeout ? { timeout: values.timeout } : {}),
        wait: !values['no-wait'],
      });
    case 'doctor':
      if (values.help) help(DOCTOR_HELP);
      return (await import('./cli/doctor.js')).doctorMain({ ...(values.host ? { host: values.host } : {}) });
    case 'audit':
      if (values.help) help(AUDIT_HELP);
      return (await import('./cli/audit.js')).auditMain({
        ...(positionals[0] ? { sub: positionals[0] } : {}),
        ...(values.format !== undefined ? { format: values.format } : {}),
        ...(values.since !== undefined ? { since: values.since } : {}),
        ...(values.until !== undefined ? { until: values.until } : {}),
      });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return help(HELP);
    default:
      fail(new Error(`unknown command "${cmd}".\n\n${HELP}`), 2);
  }
}

main(process.argv.slice(2)).catch((err) => fail(err));
