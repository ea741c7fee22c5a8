import { context, section, sectionsOf } from '../src/chat/view/blocks.js';
import { type CapacityHost, hostCapacityText } from '../src/chat/view/capacity.js';
import { infoReply } from '../src/chat/view/messages.js';
import { overcommitLevels, worstLevel } from '../src/model/overcommit.js';
import { name } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { resolveHostArg } from './hostarg.js';

// Slack shows 50 blocks: one section per host while they fit, packed sections beyond that.
const MAX_HOST_SECTIONS = 45;

export default defineOperation({
  name: 'capacity',
  summary: 'How far each host is overcommitted: CPU, RAM and disk against the policy',
  target: 'host',
  targetOptional: true,
  args: {
    host: name({ hint: 'HOST', help: 'only this host (same as naming it after capacity)' }),
  },
  risk: 'read',
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps capacity', '/vps capacity vz-1'],
  async answer({ args, target, services, config }) {
    // Hosts the caller may not see do not exist for them, also when named.
    const visible = services.hostNames.filter((h) => !services.visible || services.visible(h));
    const names = resolveHostArg((target.host ?? args.host) as string | undefined, visible);
    if (names.length === 0) {
      return infoReply('No hosts to show', [context('No hosts are configured that you may see.')]);
    }
    const views = await services.fleet.hosts(names);
    const hosts: CapacityHost[] = views.map((view) => {
      const h = config.hosts[view.name];
      const group = h?.group ?? view.registration?.group ?? 'default';
      const kind = h?.kind ?? view.registration?.kind ?? 'unknown';
      if (!view.registration) return { view, kind, group };
      const { registration, inventory } = view;
      const levels = overcommitLevels({ host: view.name, group, registration, inventory, config });
      return { view, kind, group, levels };
    });
    const now = services.now();
    const texts = hosts.map((h) => hostCapacityText(h, now));
    const count = (level: string) => hosts.filter((h) => h.levels && worstLevel(h.levels) === level).length;
    const summary = `${count('critical')} critical · ${count('warning')} warning · ${hosts.length} host${hosts.length === 1 ? '' : 's'}`;
    const counted = config.alerts.overcommit.countStopped
      ? 'stopped guests counted'
      : 'stopped guests not counted';
    return infoReply(`Capacity: ${summary}`, [
      context(`*Capacity* · ${summary}`),
      ...(texts.length <= MAX_HOST_SECTIONS ? texts.map((t) => section(t)) : sectionsOf(texts)),
      context(`ratio = promised / host · ${counted} · OpenVZ RAM includes swap · policy: alerts.overcommit`),
    ]);
  },
});
