/**
 * The exit-status table: what a script sees for each kind of failure, and that the README shows
 * the very same table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CliError,
  EXIT,
  EXIT_MEANING,
  type ExitName,
  exitNameFor,
  exitStatusHelp,
  refusalExit,
} from '../../../src/cli/exit-codes.js';
import { ERROR_CODES, type ErrorCode, OpError } from '../../../src/model/errors.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

describe('exit statuses', () => {
  it('keep "the command failed" (1-4) apart from "vpsops cannot run it" (64 and up)', () => {
    expect(EXIT).toEqual({
      OK: 0,
      FAILED: 1,
      REFUSED: 2,
      TIMEOUT: 3,
      PENDING: 4,
      USAGE: 64,
      UNAVAILABLE: 69,
      SOFTWARE: 70,
      CONFIG: 78,
    });
  });

  it('follow the error code, not its text', () => {
    const of = (code: ErrorCode) => exitNameFor(new OpError(code, 'whatever it says'));
    expect(of('CONFIG')).toBe('CONFIG');
    expect(of('HYPERVISOR')).toBe('UNAVAILABLE');
    expect(of('INTERNAL')).toBe('SOFTWARE');
    expect(of('DENIED')).toBe('REFUSED');
    expect(of('RATE_LIMITED')).toBe('REFUSED');
    expect(of('GUEST_NOT_FOUND')).toBe('REFUSED');
    expect(of('ALREADY_RUNNING')).toBe('FAILED');
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) expect(EXIT).toHaveProperty(of(code));
  });

  it('a CliError carries its own status; anything else thrown is a bug', () => {
    expect(exitNameFor(new CliError('UNAVAILABLE', 'Redis does not answer'))).toBe('UNAVAILABLE');
    expect(exitNameFor(new TypeError('x is undefined'))).toBe('SOFTWARE');
    expect(exitNameFor('a string')).toBe('SOFTWARE');
  });

  it('a refusal is 2 unless its code says vpsops itself could not run', () => {
    expect(refusalExit('BAD_INPUT')).toBe('REFUSED');
    expect(refusalExit('DENIED')).toBe('REFUSED');
    expect(refusalExit('LOCKED')).toBe('REFUSED');
    expect(refusalExit('CONFIG')).toBe('CONFIG');
    expect(refusalExit('INTERNAL')).toBe('SOFTWARE');
    expect(refusalExit(undefined)).toBe('SOFTWARE');
  });

  it("help lists the statuses in numeric order, in a command's own words where it has them", () => {
    const text = exitStatusHelp(['CONFIG', ['OK', 'the export is written'], 'USAGE']);
    expect(text.split('\n')).toEqual([
      'Exit status:',
      '  0   the export is written',
      `  64  ${EXIT_MEANING.USAGE}`,
      `  78  ${EXIT_MEANING.CONFIG}`,
    ]);
  });
});

describe('README.md', () => {
  it('has the exit-status table of src/cli/exit-codes.ts under "Exit status"', () => {
    const section = README.split(/^### Exit status$/m)[1]?.split(/^#{2,3} /m)[0] ?? '';
    const rows = section
      .split('\n')
      .filter((l) => /^\| \d/.test(l))
      .map((l) =>
        l
          .slice(1, -1)
          .split(' | ')
          .map((c) => c.trim()),
      );
    const expected = (Object.keys(EXIT) as ExitName[]).map((n) => [
      String(EXIT[n]),
      `\`${n}\``,
      EXIT_MEANING[n],
    ]);
    expect(rows, 'README.md "Exit status" differs from src/cli/exit-codes.ts').toEqual(expected);
  });
});
