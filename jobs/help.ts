import { context, section } from '../src/chat/view/blocks.js';
import { infoReply } from '../src/chat/view/messages.js';
import { OpError } from '../src/model/errors.js';
import { defineOperation, type OperationDef, usage } from '../src/ops/operation.js';
import { didYouMean } from '../src/ops/suggest.js';

const RISK = { read: '', change: '', destructive: ' ⚠️ destructive' };

/** The full help for one verb: usage, what each option does, examples. */
export function verbHelp(op: OperationDef): string[] {
  const lines = [`*${op.name}*: ${op.summary}${RISK[op.risk]}`, `\`${usage(op)}\``];
  for (const [key, a] of Object.entries(op.args)) {
    const def = a.defaultText !== undefined ? ` (default ${a.defaultText})` : a.required ? ' (required)' : '';
    lines.push(`• \`${key}=${a.hint}\`: ${a.help}${def}`);
  }
  if (op.examples?.length) lines.push(`Examples: ${op.examples.map((e) => `\`${e}\``).join(', ')}`);
  return lines;
}

export default defineOperation({
  name: 'help',
  summary: 'Show the commands, or the details of one',
  target: 'verb',
  targetOptional: true,
  args: {},
  risk: 'read',
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
          {
            hint: 'Type /vps help to see the commands.',
          },
        );
      }
      return infoReply(`Help for ${op.name}`, [section(verbHelp(op).join('\n'))]);
    }
    const allowed = [...cat.values()].filter(
      (op) => !services.allowedVerbs || services.allowedVerbs.has(op.name),
    );
    if (!allowed.some((op) => op.name !== 'help'))
      return infoReply('You may not run any command here', [
        section(
          '*vpsops*: you may not run any command here. The access policy gives you no role (deny by default), or this channel allows nothing you may run.',
        ),
        context('Ask an admin of vpsops to add you to the access policy (VPSOPS_POLICY).'),
      ]);
    const lines = allowed.map((op) => `\`${usage(op)}\`\n      ${op.summary}${RISK[op.risk]}`);
    return infoReply('vpsops commands', [
      section('*vpsops*: run your VPS fleet from chat. Guests are named by name, CTID, or `name@host`.'),
      section(lines.join('\n')),
      context(
        'Sizes take units (512M, 2G), durations too (90s, 2h). /vps help <command> shows options and examples.',
      ),
    ]);
  },
});
