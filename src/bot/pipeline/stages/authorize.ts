/**
 * Authorize the request on its target, then hold it to the host's maintenance window: a host in
 * maintenance takes operations that declare it (`duringMaintenance: 'admins'`) from its admins only.
 */
import { OpError } from '../../../model/errors.js';
import { checkDecision, hiddenGuest } from '../../policy/checks.js';
import type { Stage } from '../context.js';

export const authorize: Stage = (ctx, d) => {
  const op = ctx.cmd!.op;
  if (op.role === 'anyone') return;
  const decision = d.access.decide({ ...ctx.who, op, ...ctx.scope });
  // A guest outside the caller's scope answers exactly like one that does not exist.
  if (!decision.allow && decision.hidden && ctx.scope.guest) throw hiddenGuest(ctx.scope.guest);
  checkDecision(decision, ctx.target);
};

export const maintenance: Stage = async (ctx, d) => {
  const op = ctx.cmd!.op;
  const { host } = ctx.scope;
  if (op.duringMaintenance !== 'admins' || !host || !d.maintenance) return;
  const w = await d.maintenance.of(host);
  if (!w) return;
  const admin = d.access.decide({ ...ctx.who, op: { name: op.name, role: 'admin' }, ...ctx.scope });
  if (admin.allow) return;
  throw new OpError(
    'DENIED',
    `${w.host} is in maintenance until ${new Date(w.until).toISOString()}${w.reason ? ` (${w.reason})` : ''}, started by ${w.by}: only its admins may operate it now.`,
    { hint: 'Reads still work; /vps alerts shows the window.' },
  );
};
