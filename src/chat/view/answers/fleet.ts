/** `/vps hosts` and `/vps capacity`: the fleet's hosts, their state and how far they are committed. */

import { worstLevel } from '../../../model/overcommit.js';
import type { View } from '../../../model/view.js';
import { type Block, context, section, sectionsOf } from '../blocks.js';
import { hostCapacityText } from '../capacity.js';
import { hostBlocks } from '../messages.js';

// Slack shows 50 blocks: one section per host while they fit, packed sections beyond that.
const MAX_HOST_SECTIONS = 45;

export function hostsBlocks(v: Extract<View, { kind: 'hosts' }>): Block[] {
  if (!v.hosts.length) return [context('No hosts are configured; add them under hosts: in the config file.')];
  const up = v.hosts.filter((h) => h.view.lastBeat !== undefined).length;
  return [
    context(`*${up} of ${v.hosts.length}* hosts reporting`),
    ...v.hosts.flatMap((h) => hostBlocks(h.view, h.kind, h.group, v.now)),
  ];
}

export function capacityBlocks(v: Extract<View, { kind: 'capacity' }>): Block[] {
  if (!v.hosts.length) return [context('No hosts are configured that you may see.')];
  const texts = v.hosts.map((h) => hostCapacityText(h, v.now));
  const count = (level: string) => v.hosts.filter((h) => h.levels && worstLevel(h.levels) === level).length;
  const summary = `${count('critical')} critical · ${count('warning')} warning · ${v.hosts.length} host${v.hosts.length === 1 ? '' : 's'}`;
  const counted = v.countStopped ? 'stopped guests counted' : 'stopped guests not counted';
  return [
    context(`*Capacity* · ${summary}`),
    ...(texts.length <= MAX_HOST_SECTIONS ? texts.map((t) => section(t)) : sectionsOf(texts)),
    context(`ratio = promised / host · ${counted} · OpenVZ RAM includes swap · policy: alerts.overcommit`),
  ];
}
