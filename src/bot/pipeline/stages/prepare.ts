/**
 * Normalize the arguments (the operation's own prepare: a plan becomes sizes) and hold every size
 * to `limits`; then admission: what the request would take from its host, against the overcommit
 * policy. Past the critical ratio it is not refused: it needs an approver, who sees why.
 */
import { OpError } from '../../../model/errors.js';
import { admission } from '../../../model/overcommit.js';
import { formatSize } from '../../../model/units.js';
import type { Stage } from '../context.js';

export const prepare: Stage = (ctx, d) => {
  const cmd = ctx.cmd!;
  const args = cmd.op.prepare
    ? cmd.op.prepare({ args: cmd.args, given: cmd.given, config: d.config })
    : cmd.args;
  for (const [key, spec] of Object.entries(cmd.op.args)) {
    const v = args[key];
    if (!spec.limit || typeof v !== 'number') continue;
    const { min, max } = d.config.limits[spec.limit];
    const show = spec.limit === 'vcpus' ? String : formatSize;
    if (v < min || v > max) {
      throw new OpError(
        'BAD_INPUT',
        `${key}=${show(v)} is out of range: the fleet allows ${show(min)} to ${show(max)}.`,
        {
          hint: `Limits are set under limits.${spec.limit} in the config.`,
          field: key,
        },
      );
    }
  }
  ctx.args = args;
};

export const admit: Stage = async (ctx, d) => {
  const op = ctx.cmd!.op;
  const host = ctx.target?.host;
  const effect = op.admission?.({ args: ctx.args!, ...(ctx.guest ? { guest: ctx.guest } : {}) });
  if (!effect || !host) return;
  const [view] = await d.fleet.hosts([host]);
  // A host that never registered has nothing to measure against.
  if (!view?.registration) return;
  const r = admission({
    host,
    group: d.config.hosts[host]?.group ?? 'default',
    registration: view.registration,
    inventory: view.inventory,
    config: d.config,
    ...effect,
  });
  if (!r.ok) ctx.overcommit = r.message;
};
