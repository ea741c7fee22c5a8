import { OpError } from '../src/model/errors.js';
import { yesNo } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_READ } from './kinds.js';
import { guestId } from './lifecycle.js';

export default defineOperation({
  name: 'status',
  summary: 'State, size and address of one guest',
  target: 'guest',
  args: {
    refresh: yesNo({ default: false, help: 'ask the host now instead of answering from the last inventory' }),
  },
  risk: 'read',
  ...GUEST_READ,
  timeoutMs: 60_000,
  retryable: true,
  examples: ['/vps status web-12', '/vps status 101 refresh=yes'],
  live: (args) => args.refresh === true,
  async answer({ target, services }) {
    const host = target.host!;
    const inv = (await services.fleet.inventories([host])).get(host);
    const g = inv?.guests.find((x) => x.id === target.guestId);
    if (!inv || !g)
      throw new OpError('GUEST_NOT_FOUND', `${target.guestName} is no longer in ${host}'s inventory.`);
    return {
      view: { kind: 'guest', guest: g, host, seenAt: inv.at, now: services.now(), live: false },
      text: `${g.name}: ${g.state}`,
    };
  },
  async run(ctx) {
    const guests = await ctx.driver.list(ctx.signal);
    const g = guests.find((x) => x.id === guestId(ctx));
    if (!g)
      throw new OpError('GUEST_NOT_FOUND', `${ctx.target.guestName} no longer exists on ${ctx.target.host}.`);
    const now = Date.now();
    return {
      summary: `${g.name} is ${g.state}.`,
      view: { kind: 'guest', guest: g, host: ctx.target.host ?? '', seenAt: now, now, live: true },
    };
  },
});
