import type { Guest } from '../src/model/hypervisor.js';
import type { View } from '../src/model/view.js';
import { choice, int, name, yesNo } from '../src/ops/args.js';
import { defineOperation, type RunResult } from '../src/ops/operation.js';
import { resolveHostArg } from './hostarg.js';
import { FLEET_READ } from './kinds.js';

const PAGE = 25;

type GuestsView = Extract<View, { kind: 'guests' }>;

/** One page of guests, and how many pages there are. */
function pageOf(
  rows: GuestsView['rows'],
  page: number,
): { rows: GuestsView['rows']; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const p = Math.min(page, pages);
  return { rows: rows.slice((p - 1) * PAGE, p * PAGE), page: p, pages };
}

export default defineOperation({
  name: 'list',
  summary: 'List guests across the fleet or on one host',
  target: 'none',
  args: {
    host: name({ hint: 'HOST', help: 'only guests of this host' }),
    state: choice(['running', 'stopped', 'paused', 'crashed', 'unknown'] as const, {
      help: 'only guests in this state',
    }),
    page: int({ min: 1, max: 10_000, default: 1, help: 'page of the list' }),
    refresh: yesNo({ default: false, help: 'ask the host now instead of answering from the last inventory' }),
  },
  risk: 'read',
  ...FLEET_READ,
  changesGuests: false,
  timeoutMs: 60_000,
  retryable: true,
  examples: ['/vps list', '/vps list host=vz-1 state=running', '/vps list host=vz-1 refresh=yes'],
  live: (args) => args.refresh === true,
  async answer({ args, services }) {
    const hosts = resolveHostArg(args.host as string | undefined, services.hostNames);
    const invs = await services.fleet.inventories(hosts);
    const rows: GuestsView['rows'] = [];
    const missing: string[] = [];
    for (const h of hosts) {
      const inv = invs.get(h);
      if (!inv) {
        missing.push(h);
        continue;
      }
      for (const g of inv.guests) {
        // Guests outside the caller's scope are not listed at all.
        if (!services.visible(h, g.name)) continue;
        if (!args.state || g.state === args.state)
          rows.push(hosts.length > 1 ? { guest: g, host: h } : { guest: g });
      }
    }
    const page = pageOf(rows, args.page as number);
    const seen = hosts.flatMap((h) => {
      const inv = invs.get(h);
      return inv ? [{ host: inv.host, at: inv.at }] : [];
    });
    const state = args.state as string | undefined;
    const view: GuestsView = {
      kind: 'guests',
      ...page,
      total: rows.length,
      ...(state ? { state } : {}),
      ...(hosts.length === 1 ? { host: hosts[0]! } : {}),
      seen,
      missing,
      now: services.now(),
    };
    const text = `${rows.length} guest${rows.length === 1 ? '' : 's'}${state ? ` ${state}` : ''}`;
    return { view, text, page: { page: page.page, pages: page.pages } };
  },
  async run(ctx): Promise<RunResult> {
    const guests = await ctx.driver.list(ctx.signal);
    const shown = ctx.args.state ? guests.filter((g: Guest) => g.state === ctx.args.state) : guests;
    const now = Date.now();
    const view: GuestsView = {
      kind: 'guests',
      ...pageOf(
        shown.map((guest) => ({ guest })),
        1,
      ),
      total: shown.length,
      seen: [{ host: ctx.target.host ?? '', at: now }],
      missing: [],
      now,
    };
    return {
      summary: `${shown.length} guest${shown.length === 1 ? '' : 's'} on ${ctx.target.host} (asked just now).`,
      view,
    };
  },
});
