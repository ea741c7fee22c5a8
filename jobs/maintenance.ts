import { textAnswer } from '../src/model/outcome.js';
import { formatDuration } from '../src/model/units.js';
import { choice, duration, text } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';

export default defineOperation({
  name: 'maintenance',
  summary: 'Put a host in maintenance (its alerts are muted, only admins may operate it) or end it',
  target: 'host',
  positionalArg: 'mode',
  args: {
    mode: choice(['on', 'off'] as const, { required: true, help: 'start or end the maintenance window' }),
    for: duration({
      default: 2 * 3600_000,
      defaultText: '2h',
      min: 60_000,
      max: 7 * 24 * 3600_000,
      help: 'how long it lasts',
    }),
    reason: text({ help: 'why, for everyone who sees the alerts muted' }),
  },
  risk: 'change',
  ...GUEST_CHANGE,
  role: 'admin',
  scope: 'host',
  duringMaintenance: 'anyone',
  changesGuests: false,
  invalidates: 'maintenance',
  timeoutMs: 5_000,
  retryable: false,
  examples: ['/vps maintenance kvm-a on for=2h reason="kernel update"', '/vps maintenance kvm-a off'],
  async answer({ target, args, services, user }) {
    const host = target.host!;
    if (args.mode === 'off') {
      const ended = await services.alerts.endMaintenance(host);
      return ended
        ? textAnswer(`🔧 ${host} is out of maintenance: its alerts and operations are back to normal.`, {
            public: true,
          })
        : textAnswer(`${host} was not in maintenance.`);
    }
    const now = services.now();
    const forMs = args.for as number;
    const until = now + forMs;
    const reason = args.reason as string | undefined;
    await services.alerts.startMaintenance(host, { until, by: user, ...(reason ? { reason } : {}) }, now);
    const text = `🔧 ${host} is in maintenance for ${formatDuration(forMs)}, until ${new Date(until).toISOString()}${reason ? ` (${reason})` : ''}, by ${user}: its alerts are muted and only admins may operate it.`;
    return {
      view: { kind: 'maintenance', host, forMs, until, by: user, ...(reason ? { reason } : {}) },
      text,
      public: true,
    };
  },
});
