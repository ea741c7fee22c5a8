import { OpError } from '../src/model/errors.js';
import { formatDuration } from '../src/model/units.js';
import { duration, name, text } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';

export default defineOperation({
  name: 'silence',
  summary: 'Mute one alert, or the alerts of a host or of one guest, for a while',
  target: 'alert',
  targetOptional: true,
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
  ...GUEST_CHANGE,
  scope: 'host',
  duringMaintenance: 'anyone',
  changesGuests: false,
  timeoutMs: 5_000,
  retryable: false,
  examples: [
    '/vps silence crash:vz-1:101 for=1h',
    '/vps silence host=vz-1 for=30m reason="rack move"',
    '/vps silence host=vz-1 guest=web-1 for=2h',
  ],
  async answer({ target, args, services, user }) {
    const now = services.now();
    const forMs = args.for as number;
    const reason = args.reason as string | undefined;
    if (target.word) {
      // One alert, as its Silence button asks: the pipeline resolved it and checked the caller's scope.
      const s = await services.alerts.silence(
        { scope: { fingerprint: target.word }, until: now + forMs, by: user, ...(reason ? { reason } : {}) },
        now,
      );
      const text = `🔕 Alert ${target.word} is muted for ${formatDuration(forMs)}, until ${new Date(s.until).toISOString()}, by ${user}.`;
      const view = {
        kind: 'silenced',
        host: target.host!,
        alert: target.word,
        forMs,
        until: s.until,
        by: user,
      } as const;
      return { view: { ...view, ...(reason ? { reason } : {}) }, text, public: true };
    }
    const host = args.host as string | undefined;
    if (!host)
      throw new OpError('BAD_INPUT', 'silence needs host=NAME (and guest=NAME to mute only one guest).', {
        field: 'host',
      });
    if (!services.hostNames.includes(host) || !services.visible(host))
      throw new OpError('HOST_NOT_FOUND', `No host named "${host}".`, {
        hint: `Hosts: ${services.hostNames.join(', ')}.`,
      });
    const guest = args.guest as string | undefined;
    if (guest && !services.visible(host, guest))
      throw new OpError('GUEST_NOT_FOUND', `No guest named "${guest}".`, {
        hint: 'See /vps list for the guests you can use.',
      });
    const s = await services.alerts.silence(
      {
        scope: guest ? { host, guest } : { host },
        until: now + forMs,
        by: user,
        ...(reason ? { reason } : {}),
      },
      now,
    );
    const what = guest ? `${guest} on ${host}` : `everything on ${host}`;
    const text = `🔕 Alerts for ${what} are muted for ${formatDuration(forMs)}, until ${new Date(s.until).toISOString()}, by ${user}${reason ? ` (${reason})` : ''}.`;
    const view = { kind: 'silenced', host, forMs, until: s.until, by: user } as const;
    return {
      view: { ...view, ...(guest ? { guest } : {}), ...(reason ? { reason } : {}) },
      text,
      public: true,
    };
  },
});
