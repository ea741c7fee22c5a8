import { guestCard, infoReply } from '../src/chat/view/messages.js';
import { OpError } from '../src/model/errors.js';
import type { Guest } from '../src/model/hypervisor.js';
import { yesNo } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { guestId } from './lifecycle.js';

export default defineOperation({
  name: 'status',
  summary: 'State, size and address of one guest',
  target: 'guest',
  args: {
    refresh: yesNo({ default: false, help: 'ask the host now instead of answering from the last inventory' }),
  },
  risk: 'read',
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
    return infoReply(`${g.name}: ${g.state}`, guestCard(g, host, inv.at, services.now(), false));
  },
  async run(ctx) {
    const guests = await ctx.driver.list(ctx.signal);
    const g = guests.find((x) => x.id === guestId(ctx));
    if (!g)
      throw new OpError('GUEST_NOT_FOUND', `${ctx.target.guestName} no longer exists on ${ctx.target.host}.`);
    return { summary: `${g.name} is ${g.state}.`, data: g };
  },
  render(result) {
    const g = result.data as Guest;
    const now = Date.now();
    return [{ type: 'divider' }, ...guestCard(g, '', now, now, true).slice(1)];
  },
});
