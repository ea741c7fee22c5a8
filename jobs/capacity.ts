import { overcommitLevels, worstLevel } from '../src/model/overcommit.js';
import type { CapacityRow } from '../src/model/view.js';
import { name } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { resolveHostArg } from './hostarg.js';
import { FLEET_READ } from './kinds.js';

export default defineOperation({
  name: 'capacity',
  summary: 'How far each host is overcommitted: CPU, RAM and disk against the policy',
  target: 'host',
  targetOptional: true,
  args: {
    host: name({ hint: 'HOST', help: 'only this host (same as naming it after capacity)' }),
  },
  risk: 'read',
  ...FLEET_READ,
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps capacity', '/vps capacity vz-1'],
  async answer({ args, target, services, config }) {
    // Hosts the caller may not see do not exist for them, also when named.
    const visible = services.hostNames.filter((h) => services.visible(h));
    const names = resolveHostArg((target.host ?? args.host) as string | undefined, visible);
    const views = await services.fleet.hosts(names);
    const hosts: CapacityRow[] = views.map((view) => {
      const h = config.hosts[view.name];
      const group = h?.group ?? view.registration?.group ?? 'default';
      const kind = h?.kind ?? view.registration?.kind ?? 'unknown';
      if (!view.registration) return { view, kind, group };
      const { registration, inventory } = view;
      const levels = overcommitLevels({ host: view.name, group, registration, inventory, config });
      return { view, kind, group, levels };
    });
    const count = (level: string) => hosts.filter((h) => h.levels && worstLevel(h.levels) === level).length;
    const text = hosts.length
      ? `Capacity: ${count('critical')} critical · ${count('warning')} warning · ${hosts.length} host${hosts.length === 1 ? '' : 's'}`
      : 'No hosts to show';
    const view = { kind: 'capacity', hosts, countStopped: config.alerts.overcommit.countStopped } as const;
    return { view: { ...view, now: services.now() }, text };
  },
});
