import { OpError } from '../src/model/errors.js';
import type { VerbHelp } from '../src/model/view.js';
import { defineOperation, type OperationDef, usage } from '../src/ops/operation.js';
import { didYouMean } from '../src/ops/suggest.js';
import { FLEET_READ } from './kinds.js';

/** One verb as help shows it: usage, what each option does, examples. */
export function verbHelp(op: OperationDef): VerbHelp {
  return {
    name: op.name,
    summary: op.summary,
    usage: usage(op),
    destructive: op.risk === 'destructive',
    options: Object.entries(op.args).map(([key, a]) => ({
      key,
      hint: a.hint,
      help: a.help,
      required: a.required,
      ...(a.defaultText !== undefined ? { defaultText: a.defaultText } : {}),
    })),
    examples: op.examples ?? [],
  };
}

export default defineOperation({
  name: 'help',
  summary: 'Show the commands, or the details of one',
  target: 'verb',
  targetOptional: true,
  args: {},
  risk: 'read',
  ...FLEET_READ,
  role: 'anyone',
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps help', '/vps help create'],
  async answer({ target, services }) {
    const cat = services.catalogue;
    if (target.word) {
      const op = cat.get(target.word.toLowerCase());
      if (!op) {
        throw new OpError(
          'BAD_INPUT',
          `There is no command "${target.word}".${didYouMean(target.word, cat.keys())}`,
          { hint: 'Type /vps help to see the commands.' },
        );
      }
      return { view: { kind: 'help-verb', verb: verbHelp(op) }, text: `Help for ${op.name}` };
    }
    const allowed = services.allowedVerbs();
    // Help itself answers everyone; what else there is depends on the caller's roles.
    const verbs = [...cat.values()].filter((op) => allowed.has(op.name) && op.role !== 'anyone');
    if (!verbs.length) return { view: { kind: 'help', verbs: [] }, text: 'You may not run any command here' };
    return {
      view: { kind: 'help', verbs: [...cat.values()].filter((op) => allowed.has(op.name)).map(verbHelp) },
      text: 'vpsops commands',
    };
  },
});
