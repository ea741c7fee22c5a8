/** Each subcommand's command line: only its own options, and a usage error that names the culprit. */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli/argv.js';
import { CliError } from '../../../src/cli/exit-codes.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  as: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const parse = (...args: string[]) => parseCommandLine('exec', args, OPTIONS, 1);

function usageMessage(...args: string[]): string {
  try {
    parse(...args);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exit).toBe('USAGE');
    expect((err as CliError).command).toBe('exec');
    return (err as CliError).message;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('reads the options and arguments of the subcommand', () => {
    expect(parse('/vps list', '--as', 'alice', '--json')).toEqual({
      values: { as: 'alice', json: true },
      positionals: ['/vps list'],
    });
    expect(parse('-h').values.help).toBe(true);
    expect(parse('--as=-odd-name').values.as).toBe('-odd-name');
    expect(parse('--', '--not-an-option').positionals).toEqual(['--not-an-option']);
  });

  it('names an option the subcommand does not take, long or short', () => {
    expect(usageMessage('--foo')).toBe('unknown option "--foo"');
    expect(usageMessage('/vps list', '-x')).toBe('unknown option "-x"');
    expect(usageMessage('--constructor')).toBe('unknown option "--constructor"');
  });

  it('names an option whose value is missing, or given to a flag', () => {
    expect(usageMessage('/vps list', '--as')).toBe('option "--as" needs a value');
    expect(usageMessage('--as', '--json')).toBe('option "--as" needs a value');
    expect(usageMessage('--json=yes')).toBe('option "--json" takes no value');
  });

  it('refuses arguments beyond what the subcommand takes', () => {
    expect(usageMessage('/vps list', 'extra')).toBe('unexpected argument "extra"');
  });
});
