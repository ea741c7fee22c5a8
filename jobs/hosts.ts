import { context } from '../src/chat/view/blocks.js';
import { hostBlocks, infoReply } from '../src/chat/view/messages.js';
import { defineOperation } from '../src/ops/operation.js';

export default defineOperation({
  name: 'hosts',
  summary: 'The hosts of the fleet: up or silent, capacity, guests',
  target: 'none',
  args: {},
  risk: 'read',
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps hosts'],
  async answer({ services, config }) {
    const now = services.now();
    const views = (await services.fleet.hosts(services.hostNames)).filter(
      (v) => !services.visible || services.visible(v.name),
    );
    if (views.length === 0) {
      return infoReply('No hosts configured', [
        context('No hosts are configured; add them under hosts: in the config file.'),
      ]);
    }
    const up = views.filter((v) => v.lastBeat !== undefined).length;
    const blocks = views.flatMap((v) => {
      const h = config.hosts[v.name]!;
      return hostBlocks(v, h.kind, h.group, now);
    });
    return infoReply(`${up} of ${views.length} hosts up`, [
      context(`*${up} of ${views.length}* hosts reporting`),
      ...blocks,
    ]);
  },
});
