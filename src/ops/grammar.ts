/**
 * The command grammar: `/vps <verb> [target] [key=value …]`. Tokenizing and checking against the
 * catalogue; every problem becomes one BAD_INPUT sentence plus the verb's usage.
 */

import { OpError } from '../model/errors.js';
import { type ArgSpec, NAME_RE } from './args.js';
import { type ArgValues, type OperationDef, usage } from './operation.js';
import { didYouMean } from './suggest.js';

export interface Token {
  key?: string;
  value: string;
}

export interface ParsedCommand {
  op: OperationDef;
  /** The positional word (guest, new name, host, job id, verb), when given. */
  word?: string;
  args: ArgValues;
  /** Keys the user typed (as opposed to defaults). */
  given: Set<string>;
}

const KEY_RE = /^([a-z][a-z0-9_-]*)=(.*)$/s;
/** An alert's fingerprint: `kind:host` and what it is about (`crash:vz-1:101`, `overcommit:vz-1:memory`). */
const FINGERPRINT_RE = /^[a-z-]{1,20}(:[A-Za-z0-9._@-]{1,63}){1,3}$/;

/** Splits on spaces, honouring "double" and 'single' quotes; `key="a b"` is one token. */
export function tokenize(text: string): Token[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of text.trim()) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'" || ch === '“' || ch === '”') {
      quote = ch === '“' ? '”' : ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote)
    throw new OpError('BAD_INPUT', 'A quote is not closed.', {
      hint: 'Close it, e.g. reason="planned work".',
    });
  if (inWord) words.push(cur);
  return words.map((w) => {
    const m = KEY_RE.exec(w);
    return m ? { key: m[1]!.toLowerCase(), value: m[2]! } : { value: w };
  });
}

function bad(op: OperationDef, sentence: string, field?: string): OpError {
  return new OpError('BAD_INPUT', sentence, { hint: `Usage: ${usage(op)}`, ...(field ? { field } : {}) });
}

const TARGET_NOUN = {
  guest: 'a guest',
  'new-guest': 'a name for the new guest',
  host: 'a host',
  job: 'a job id',
  request: 'a request id',
  alert: 'an alert (its fingerprint, as /vps alerts shows it)',
  verb: 'a verb',
  none: '',
};

/** Parses text after `/vps` into a command; throws OpError BAD_INPUT with usage on any problem. */
export function parseCommand(text: string, catalogue: ReadonlyMap<string, OperationDef>): ParsedCommand {
  const tokens = tokenize(text.replace(/^\/vps\b/, ''));
  const first = tokens.shift();
  const verb = first && !first.key ? first.value.toLowerCase() : 'help';
  if (first?.key) tokens.unshift(first);
  const op = catalogue.get(verb);
  if (!op) {
    throw new OpError('BAD_INPUT', `Unknown command "${verb}".${didYouMean(verb, catalogue.keys())}`, {
      hint: 'Type /vps help to see the commands.',
    });
  }
  const positional = tokens.filter((t) => !t.key).map((t) => t.value);
  // `/vps maintenance kvm-a on`: a second word is the value of the operation's positional option.
  if (op.positionalArg && positional.length === 2 && !tokens.some((t) => t.key === op.positionalArg)) {
    const value = positional.pop()!;
    let i = tokens.length - 1;
    while (i >= 0 && (tokens[i]!.key !== undefined || tokens[i]!.value !== value)) i--;
    tokens.splice(i, 1, { key: op.positionalArg, value });
  }
  if (positional.length > (op.target === 'none' ? 0 : 1)) {
    const extra = positional.slice(op.target === 'none' ? 0 : 1).join(' ');
    throw bad(
      op,
      `Unexpected "${extra}": ${verb} takes ${op.target === 'none' ? 'no target' : `one ${op.target}`}, and options as key=value.`,
    );
  }
  const word = positional[0];
  if (word === undefined && op.target !== 'none' && !op.targetOptional) {
    throw bad(op, `${verb} needs ${TARGET_NOUN[op.target]}.`, 'name');
  }
  if (word !== undefined && !validWord(op, word)) {
    throw bad(
      op,
      `"${word}" is not a valid ${op.target === 'job' ? 'job id' : op.target === 'request' ? 'request id' : op.target === 'alert' ? 'alert' : 'name'} (letters, digits, ".", "_" and "-", at most 63; a guest may be name@host).`,
      'name',
    );
  }
  const { args, given } = parseArgs(
    op,
    tokens.filter((t): t is Required<Token> => t.key !== undefined),
  );
  const cmd: ParsedCommand = { op, args, given };
  if (word !== undefined) cmd.word = word;
  return cmd;
}

/** Names reach command lines later: refuse anything else at the door. */
function validWord(op: OperationDef, word: string): boolean {
  if (op.target === 'guest') {
    const at = word.lastIndexOf('@');
    return at > 0 ? NAME_RE.test(word.slice(0, at)) && NAME_RE.test(word.slice(at + 1)) : NAME_RE.test(word);
  }
  if (op.target === 'job' || op.target === 'request') return /^[0-9a-z]{1,40}$/i.test(word);
  if (op.target === 'alert') return FINGERPRINT_RE.test(word);
  return NAME_RE.test(word);
}

function parseArgs(op: OperationDef, pairs: Required<Token>[]): { args: ArgValues; given: Set<string> } {
  const args: ArgValues = {};
  const given = new Set<string>();
  for (const { key, value } of pairs) {
    const spec: ArgSpec | undefined = op.args[key];
    if (!spec) {
      const known = Object.keys(op.args);
      const list = known.length
        ? didYouMean(key, known) || ` Options: ${known.join(', ')}.`
        : ` It takes no options.`;
      throw bad(op, `${op.name} has no option "${key}".${list}`);
    }
    if (given.has(key)) throw bad(op, `${key}= is given twice.`, key);
    if (value === '')
      throw bad(op, `${key}= has no value; write it like ${key}=${spec.hint.split('|')[0]}.`, key);
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) throw bad(op, `${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'}.`, key);
    args[key] = parsed.data;
    given.add(key);
  }
  for (const [key, spec] of Object.entries(op.args)) {
    if (given.has(key)) continue;
    if (spec.required) throw bad(op, `${op.name} needs ${key}=${spec.hint}.`, key);
    if (spec.defaultValue !== undefined) args[key] = spec.defaultValue;
  }
  return { args, given };
}
