import { context, section, sectionsOf } from '../src/chat/view/blocks.js';
import { ageText, guestLine, infoReply } from '../src/chat/view/messages.js';
import type { Guest } from '../src/model/hypervisor.js';
import { choice, int, name, yesNo } from '../src/ops/args.js';
import { defineOperation, type RunResult } from '../src/ops/operation.js';
import { resolveHostArg } from './hostarg.js';

const PAGE = 25;

function pageOf(rows: string[], page: number): { rows: string[]; note: string; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const p = Math.min(page, pages);
  const note = pages > 1 ? ` · page ${p} of ${pages} (page=N for more)` : '';
  return { rows: rows.slice((p - 1) * PAGE, p * PAGE), note, page: p, pages };
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
  timeoutMs: 60_000,
  retryable: true,
  examples: ['/vps list', '/vps list host=vz-1 state=running', '/vps list host=vz-1 refresh=yes'],
  live: (args) => args.refresh === true,
  async answer({ args, services }) {
    const hosts = resolveHostArg(args.host as string | undefined, services.hostNames);
    const invs = await services.fleet.inventories(hosts);
    const now = services.now();
    const rows: string[] = [];
    const stale: string[] = [];
    for (const h of hosts) {
      const inv = invs.get(h);
      if (!inv) {
        stale.push(`${h}: no inventory yet (is its worker running?)`);
        continue;
      }
      for (const g of inv.guests) {
        // Guests outside the caller's scope are not listed at all.
        if (services.visible && !services.visible(h, g.name)) continue;
        if (!args.state || g.state === args.state) rows.push(guestLine(g, hosts.length > 1 ? h : undefined));
      }
    }
    const { rows: shown, note, page, pages } = pageOf(rows, args.page as number);
    const ages = hosts
      .map((h) => invs.get(h))
      .filter(Boolean)
      .map((i) => `${i!.host} ${ageText(i!.at, now)}`);
    const title = `${rows.length} guest${rows.length === 1 ? '' : 's'}${args.state ? ` ${args.state}` : ''}`;
    const reply = infoReply(title, [
      section(`*${title}*${hosts.length === 1 ? ` on ${hosts[0]}` : ''}`),
      ...sectionsOf(shown),
      context(`inventory as of ${ages.join(', ') || 'never'}${note}`, ...stale),
    ]);
    return pages > 1 ? { ...reply, page: { page, pages } } : reply;
  },
  async run(ctx): Promise<RunResult> {
    const guests = await ctx.driver.list(ctx.signal);
    const shown = ctx.args.state ? guests.filter((g) => g.state === ctx.args.state) : guests;
    return {
      summary: `${shown.length} guest${shown.length === 1 ? '' : 's'} on ${ctx.target.host} (asked just now).`,
      data: shown,
    };
  },
  render(result) {
    const guests = (result.data as Guest[] | undefined) ?? [];
    const { rows } = pageOf(
      guests.map((g) => guestLine(g)),
      1,
    );
    return [section(result.summary), ...sectionsOf(rows)];
  },
});
