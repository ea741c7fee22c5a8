/** `/vps help`: the commands the caller may run, or one command with its options and examples. */
import type { VerbHelp } from '../../../model/view.js';
import { type Block, context, section } from '../blocks.js';

const warn = (v: VerbHelp) => (v.destructive ? ' ⚠️ destructive' : '');

/** The full help for one verb: usage, what each option does, examples. */
export function verbBlocks(v: VerbHelp): Block[] {
  const lines = [`*${v.name}*: ${v.summary}${warn(v)}`, `\`${v.usage}\``];
  for (const o of v.options) {
    const def = o.defaultText !== undefined ? ` (default ${o.defaultText})` : o.required ? ' (required)' : '';
    lines.push(`• \`${o.key}=${o.hint}\`: ${o.help}${def}`);
  }
  if (v.examples.length) lines.push(`Examples: ${v.examples.map((e) => `\`${e}\``).join(', ')}`);
  return [section(lines.join('\n'))];
}

/** Every verb the caller may run, or why there is none. */
export function helpBlocks(verbs: VerbHelp[]): Block[] {
  if (!verbs.length)
    return [
      section(
        '*vpsops*: you may not run any command here. The access policy gives you no role (deny by default), or this channel allows nothing you may run.',
      ),
      context('Ask an admin of vpsops to add you to the access policy (VPSOPS_POLICY).'),
    ];
  const lines = verbs.map((v) => `\`${v.usage}\`\n      ${v.summary}${warn(v)}`);
  return [
    section('*vpsops*: run your VPS fleet from chat. Guests are named by name, CTID, or `name@host`.'),
    section(lines.join('\n')),
    context(
      'Sizes take units (512M, 2G), durations too (90s, 2h). /vps help <command> shows options and examples.',
    ),
  ];
}
