import { OpError } from '../src/model/errors.js';
import { formatSize } from '../src/model/units.js';
import { int, size } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';
import { current, resized, shrinks } from './sizes.js';

export default defineOperation({
  name: 'resize',
  summary: 'Change the vCPUs, memory or disk of a guest',
  target: 'guest',
  args: {
    vcpus: int({ min: 1, max: 1024, limit: 'vcpus', help: 'new number of virtual CPUs' }),
    memory: size({ limit: 'memory', help: 'new RAM, e.g. 4G' }),
    disk: size({ limit: 'disk', help: 'new disk size, e.g. 80G' }),
  },
  risk: 'change',
  ...GUEST_CHANGE,
  role: 'admin',
  stopsGuest: true,
  approval: ({ args, guest }) => (guest && shrinks(guest, args) ? 'the resize shrinks the guest' : undefined),
  admission: ({ args, guest }) => (guest ? { add: resized(guest, args), remove: current(guest) } : undefined),
  timeoutMs: 15 * 60_000,
  retryable: false,
  examples: ['/vps resize web-12 memory=4G', '/vps resize web-12 vcpus=4 disk=80G'],
  prepare({ args }) {
    if (args.vcpus === undefined && args.memory === undefined && args.disk === undefined) {
      throw new OpError('BAD_INPUT', 'resize needs at least one of vcpus=, memory= or disk=.', {
        hint: 'Usage: /vps resize <guest> [vcpus=N] [memory=SIZE] [disk=SIZE]',
      });
    }
    return args;
  },
  async run(ctx) {
    const { vcpus, memory, disk } = ctx.args as { vcpus?: number; memory?: number; disk?: number };
    const wanted = [
      vcpus !== undefined ? `${vcpus} vCPU` : '',
      memory !== undefined ? `${formatSize(memory)} RAM` : '',
      disk !== undefined ? `${formatSize(disk)} disk` : '',
    ].filter(Boolean);
    ctx.progress(10, `resizing to ${wanted.join(', ')}`);
    const res = await ctx.driver.resize(
      guestId(ctx),
      {
        ...(vcpus !== undefined ? { vcpus } : {}),
        ...(memory !== undefined ? { memoryBytes: memory } : {}),
        ...(disk !== undefined ? { diskBytes: disk } : {}),
      },
      opCtx(ctx),
    );
    // The driver's notes say it best when it has any (e.g. why a change waits for the next start).
    const when =
      res.notes.length > 0
        ? res.notes.join(' ')
        : res.applied === 'live'
          ? 'now in effect.'
          : 'saved; it takes effect at the next start.';
    return { summary: `${guestLabel(ctx)} resized to ${wanted.join(', ')}: ${when}` };
  },
});
