import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../jobs/index.js';
import { OpError } from '../../../src/model/errors.js';
import { parseCommand, tokenize } from '../../../src/ops/grammar.js';

function refusal(text: string): OpError {
  try {
    parseCommand(text, catalogue);
  } catch (err) {
    if (err instanceof OpError) return err;
    throw err;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('tokenize', () => {
  it('splits words and key=value pairs, honouring quotes', () => {
    expect(tokenize('stop web-1 force=yes reason="planned work"')).toEqual([
      { value: 'stop' },
      { value: 'web-1' },
      { key: 'force', value: 'yes' },
      { key: 'reason', value: 'planned work' },
    ]);
  });
  it('refuses an unclosed quote', () => {
    expect(() => tokenize('stop "web')).toThrow(/quote is not closed/);
  });
});

describe('parseCommand', () => {
  it('parses a verb, a target and typed options with defaults', () => {
    const cmd = parseCommand('/vps stop web-12 force=yes', catalogue);
    expect(cmd.op.name).toBe('stop');
    expect(cmd.word).toBe('web-12');
    expect(cmd.args).toEqual({ force: true, timeout: 60_000 });
    expect([...cmd.given]).toEqual(['force']);
  });

  it('turns sizes and durations into bytes and milliseconds', () => {
    const cmd = parseCommand('create shop-3 memory=512M disk=2G', catalogue);
    expect(cmd.args.memory).toBe(512 * 1024 ** 2);
    expect(cmd.args.disk).toBe(2 * 1024 ** 3);
    expect(parseCommand('stop web-1 timeout=2m', catalogue).args.timeout).toBe(120_000);
  });

  it('an empty command is help', () => {
    expect(parseCommand('', catalogue).op.name).toBe('help');
  });

  it('unknown verb: says so and suggests the near miss', () => {
    const e = refusal('strat web-1');
    expect(e.code).toBe('BAD_INPUT');
    expect(e.userMessage).toBe('Unknown command "strat". Did you mean "start"?');
    expect(e.hint).toMatch(/\/vps help/);
    expect(refusal('frobnicate').userMessage).toBe('Unknown command "frobnicate".');
  });

  it('missing target: names what is needed and shows usage', () => {
    const e = refusal('stop');
    expect(e.userMessage).toBe('stop needs a guest.');
    expect(e.hint).toBe('Usage: /vps stop <guest> [force=yes|no] [timeout=DURATION]');
  });

  it('extra words are refused', () => {
    expect(refusal('start web-1 web-2').userMessage).toMatch(/^Unexpected "web-2": start takes one guest/);
    expect(refusal('hosts vz-1').userMessage).toMatch(/^Unexpected "vz-1": hosts takes no target/);
  });

  it('unknown option: did you mean, or the list of options', () => {
    expect(refusal('stop web-1 forse=yes').userMessage).toBe(
      'stop has no option "forse". Did you mean "force"?',
    );
    expect(refusal('start web-1 x=1').userMessage).toBe('start has no option "x". It takes no options.');
  });

  it('malformed values say what is expected', () => {
    expect(refusal('stop web-1 force=maybe').userMessage).toBe('force: expected yes or no, got "maybe".');
    expect(refusal('stop web-1 timeout=soon').userMessage).toBe(
      'timeout: "soon" is not a duration; write it like 90s, 10m or 2h.',
    );
    expect(refusal('create a memory=2').userMessage).toBe(
      'memory: "2" is not a size (add a unit: 2M or 2G); write it like 512M or 2G.',
    );
    expect(refusal('create a vcpus=two').userMessage).toBe('vcpus: "two" is not a whole number.');
    expect(refusal('list state=asleep').userMessage).toMatch(/^state: expected one of running, stopped/);
  });

  it('repeated and empty options are refused', () => {
    expect(refusal('stop web-1 force=yes force=no').userMessage).toBe('force= is given twice.');
    expect(refusal('stop web-1 force=').userMessage).toBe('force= has no value; write it like force=yes.');
  });

  it('a required option that is missing is named', () => {
    expect(refusal('revert db-1').userMessage).toBe('revert needs snapshot=ID.');
  });

  it('names with shell metacharacters never get through', () => {
    expect(refusal('create "a;rm -rf /"').code).toBe('BAD_INPUT');
    expect(refusal('snapshot web-1 name=--force').userMessage).toMatch(/not a valid name/);
  });
});
