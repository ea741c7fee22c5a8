import { defineOperation } from '../src/ops/operation.js';
import { FLEET_READ } from './kinds.js';

export default defineOperation({
  name: 'hosts',
  summary: 'The hosts of the fleet: up or silent, capacity, guests',
  target: 'none',
  args: {},
  risk: 'read',
  ...FLEET_READ,
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps hosts'],
  async answer({ services, config }) {
    const now = services.now();
    const views = (await services.fleet.hosts(services.hostNames)).filter((v) => services.visible(v.name));
    const up = views.filter((v) => v.lastBeat !== undefined).length;
    const hosts = views.map((view) => {
      const h = config.hosts[view.name]!;
      return { view, kind: h.kind, group: h.group };
    });
    const text = views.length ? `${up} of ${views.length} hosts up` : 'No hosts configured';
    return { view: { kind: 'hosts', hosts, now }, text };
  },
});
