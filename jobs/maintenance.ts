import { escapeMrkdwn, section, userRef } from '../src/chat/view/blocks.js';
import { infoReply } from '../src/chat/view/messages.js';
import { OpError } from '../src/model/errors.js';
import { formatDuration } from '../src/model/units.js';
import { choice, duration, text } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';

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
  timeoutMs: 5_000,
  retryable: false,
  examples: ['/vps maintenance kvm-a on for=2h reason="kernel update"', '/vps maintenance kvm-a off'],
  async answer({ target, args, services, user }) {
    const store = services.alerts;
    if (!store) throw new OpError('INTERNAL', 'Alerts are not available in this process.');
    const host = target.host!;
    if (args.mode === 'off') {
      const ended = await store.silences.endMaintenance(host);
      const t = ended
        ? `🔧 ${host} is out of maintenance: its alerts and operations are back to normal.`
        : `${host} was not in maintenance.`;
      return { ...infoReply(t, [section(t)]), ephemeral: !ended };
    }
    const now = services.now();
    const until = now + (args.for as number);
    const reason = args.reason as string | undefined;
    await store.silences.startMaintenance(host, { until, by: user, ...(reason ? { reason } : {}) }, now);
    const t = `🔧 ${host} is in maintenance for ${formatDuration(args.for as number)}, until ${new Date(until).toISOString()}${reason ? ` (${reason})` : ''}, by ${user}: its alerts are muted and only admins may operate it.`;
    return {
      ...infoReply(t, [
        section(
          `🔧 *${host}* is in maintenance for ${formatDuration(args.for as number)}, until ${new Date(until).toISOString()}${reason ? ` (${escapeMrkdwn(reason)})` : ''}, by ${userRef(user)}: its alerts are muted and only admins may operate it.`,
        ),
      ]),
      ephemeral: false,
    };
  },
});
