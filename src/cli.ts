#!/usr/bin/env node
/** vpsops: bot | worker | demo | exec | doctor | audit */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from './cli/argv.js';
import { COMMANDS, type CommandSpec, usageOf } from './cli/commands.js';
import { fail } from './cli/common.js';
import { CliError, exitStatusHelp, usageError } from './cli/exit-codes.js';
import { packageRoot } from './config/load.js';

const HELP = `Usage: vpsops <command> [options]
       vpsops --version

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}

Run vpsops <command> --help for its options. Configuration: config/default.yaml, VPSOPS_CONFIG,
REDIS_URL, VPSOPS_JOB_KEY (see README).

${exitStatusHelp(['OK', 'USAGE'])}
Each command's --help lists the rest of its exit statuses.`;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
const TOP_OPTIONS = { ...HELP_OPTION, version: { type: 'boolean', short: 'V' } } as const;

/** The version in the package.json this code was installed with. */
function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  const spec = COMMANDS.find((c) => c.name === first);
  if (spec) return runCommand(spec, rest);
  if (first === undefined || first === 'help') return print(HELP);
  if (!first.startsWith('-')) throw usageError(undefined, `unknown command "${first}"`);
  // Otherwise these are options of vpsops itself.
  const { values } = parseCommandLine(undefined, argv, TOP_OPTIONS, 0);
  print(values.version ? version() : HELP);
}

async function runCommand(spec: CommandSpec, args: string[]): Promise<void> {
  const parsed = parseCommandLine(spec.name, args, { ...HELP_OPTION, ...spec.options }, spec.maxPositionals);
  if (parsed.values.help) return print(spec.help);
  await spec.run(parsed);
}

/** A usage error is followed by the usage of its subcommand, or of vpsops. */
function withUsage(err: unknown): unknown {
  if (!(err instanceof CliError) || err.exit !== 'USAGE' || err.usage) return err;
  const spec = COMMANDS.find((c) => c.name === err.command);
  const usage = spec
    ? `${usageOf(spec.help)}\nRun "vpsops ${spec.name} --help" for its options.`
    : `${usageOf(HELP)}\nRun "vpsops --help" for the commands.`;
  return new CliError('USAGE', err.message, err.command, usage);
}

function print(text: string): void {
  console.log(text);
  process.exit(0);
}

main(process.argv.slice(2)).catch((err) => fail(withUsage(err)));
