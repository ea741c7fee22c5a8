/** Helpers shared by the simple lifecycle operations (start, stop, reboot, suspend, resume). */
import type { RunContext } from '../src/ops/operation.js';

/** The guest id of a guest-targeted job (the bot resolved it before signing). */
export function guestId(ctx: RunContext): string {
  const id = ctx.target.guestId;
  if (!id) throw new Error('guest operation without a resolved guest');
  return id;
}

/** `web-1 (101)` when the name differs from the id, else the id. */
export function guestLabel(ctx: RunContext): string {
  const { guestId: id, guestName: name } = ctx.target;
  return name && name !== id ? `${name} (${id})` : (id ?? '?');
}

export function opCtx(ctx: RunContext) {
  return { signal: ctx.signal, progress: ctx.progress };
}
