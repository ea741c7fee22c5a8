import { escapeMrkdwn, section, userRef } from '../src/chat/view/blocks.js';
import { infoReply } from '../src/chat/view/messages.js';
import { OpError } from '../src/model/errors.js';
import { formatDuration } from '../src/model/units.js';
import { duration, name, text } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';

export default defineOperation({
  name: 'silence',
  summary: 'Mute the alerts of a host, or of one guest, for a while',
  target: 'none',
  args: {
    host: name({ hint: 'HOST', help: 'the host whose alerts to mute' }),
    guest: name({ hint: 'GUEST', help: 'only this guest (name or id) on that host' }),
    for: duration({
      default: 3600_000,
      defaultText: '1h',
      min: 60_000,
      max: 7 * 24 * 3600_000,
      help: 'how long',
    }),
    reason: text({ help: 'why, for whoever wonders where the alerts went' }),
  },
  risk: 'change',
  timeoutMs: 5_000,
  retryable: false,
  examples: [
    '/vps silence host=vz-1 for=30m reason="rack move"',
    '/vps silence host=vz-1 guest=web-1 for=2h',
  ],
  async answer({ args, services, user }) {
    const store = services.alerts;
    if (!store) throw new OpError('INTERNAL', 'Alerts are not available in this process.');
    const host = args.host as string | undefined;
    if (!host)
      throw new OpError('BAD_INPUT', 'silence needs host=NAME (and guest=NAME to mute only one guest).', {
        field: 'host',
      });
    if (!services.hostNames.includes(host) || (services.visible && !services.visible(host)))
      throw new OpError('HOST_NOT_FOUND', `No host named "${host}".`, {
        hint: `Hosts: ${services.hostNames.join(', ')}.`,
      });
    const guest = args.guest as string | undefined;
    if (guest && services.visible && !services.visible(host, guest))
      throw new OpError('GUEST_NOT_FOUND', `No guest named "${guest}".`, {
        hint: 'See /vps list for the guests you can use.',
      });
    const now = services.now();
    const reason = args.reason as string | undefined;
    const s = await store.silences.silence(
      {
        scope: guest ? { host, guest } : { host },
        until: now + (args.for as number),
        by: user,
        ...(reason ? { reason } : {}),
      },
      now,
    );
    const what = guest ? `${escapeMrkdwn(guest)} on ${host}` : `everything on ${host}`;
    const t = `🔕 Alerts for ${what} are muted for ${formatDuration(args.for as number)}, until ${new Date(s.until).toISOString()}, by ${userRef(user)}${reason ? ` (${escapeMrkdwn(reason)})` : ''}.`;
    return { ...infoReply(t.replace(/[*<>@]/g, ''), [section(t)]), ephemeral: false };
  },
});
