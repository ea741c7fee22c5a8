/**
 * The command-line parser of every subcommand: node:util's tokenizer, checked against the
 * subcommand's own options, so a flag that belongs elsewhere is refused with a usage error
 * that names it instead of node's raw message.
 */
import { parseArgs } from 'node:util';
import { usageError } from './exit-codes.js';

/** One option of a subcommand, as node:util's parseArgs takes it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

/** The options a subcommand accepts. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed values: strings for string options, true for boolean ones, absent when not given. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean;
};

/** A subcommand's parsed command line. */
export interface ParsedArgs<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
}

/**
 * Parses `args` against `options`, allowing up to `maxPositionals` arguments. Throws a usage
 * CliError naming the first unknown option, missing value or extra argument.
 */
export function parseCommandLine<O extends OptionSpecs>(
  command: string | undefined,
  args: string[],
  options: O,
  maxPositionals: number,
): ParsedArgs<O> {
  // Not strict: node's strict errors are untyped text; the tokens say exactly what was typed.
  const { values, positionals, tokens } = parseArgs({
    args,
    options: options as Record<string, OptionSpec>,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let seen = 0;
  for (const t of tokens) {
    if (t.kind === 'positional' && ++seen > maxPositionals)
      throw usageError(command, `unexpected argument "${t.value}"`);
    if (t.kind !== 'option') continue;
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    const problem = optionProblem(spec, t.rawName, t.value, t.inlineValue);
    if (problem) throw usageError(command, problem);
  }
  return { values: values as OptionValues<O>, positionals };
}

/** What is wrong with one option as typed, or undefined. */
function optionProblem(
  spec: OptionSpec | undefined,
  raw: string,
  value: string | undefined,
  inline: boolean | undefined,
): string | undefined {
  if (!spec) return `unknown option "${raw}"`;
  if (spec.type === 'boolean') return value === undefined ? undefined : `option "${raw}" takes no value`;
  // `--as --json` is a forgotten value, as node's strict mode reads it; `--as=-x` is explicit.
  if (value === undefined || (!inline && value.startsWith('-'))) return `option "${raw}" needs a value`;
  return undefined;
}
