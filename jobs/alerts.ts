import { SEVERITY_ICON } from '../src/chat/view/alert-card.js';
import { context, escapeMrkdwn, section, sectionsOf } from '../src/chat/view/blocks.js';
import { infoReply } from '../src/chat/view/messages.js';
import { OpError } from '../src/model/errors.js';
import { formatDuration } from '../src/model/units.js';
import { defineOperation } from '../src/ops/operation.js';

export default defineOperation({
  name: 'alerts',
  summary: 'Open alerts, and hosts in maintenance',
  target: 'none',
  args: {},
  risk: 'read',
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps alerts'],
  async answer({ services }) {
    const store = services.alerts;
    if (!store) throw new OpError('INTERNAL', 'Alerts are not available in this process.');
    const now = services.now();
    const visible = (host: string, guest?: string) => !services.visible || services.visible(host, guest);
    const [open, windows] = await Promise.all([store.open(), store.silences.allMaintenance(now)]);
    const shown = open.filter((a) => visible(a.host, a.guest));
    const rows = shown.map((a) => {
      const notes = [
        a.count > 1 ? `${a.count}×` : '',
        a.muted ?? '',
        a.flappingSince ? 'flapping' : '',
        a.acked ? `acked by ${a.acked.by}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `${SEVERITY_ICON[a.severity]} *${escapeMrkdwn(a.title)}* · for ${formatDuration(Math.max(0, now - a.openedAt))}${notes ? ` · ${notes}` : ''} · \`${a.fingerprint}\``;
    });
    const maint = windows
      .filter((w) => visible(w.host))
      .map(
        (w) =>
          `🔧 ${w.host} in maintenance until ${new Date(w.until).toISOString()} (${w.by}${w.reason ? `: ${escapeMrkdwn(w.reason)}` : ''})`,
      );
    const title = shown.length
      ? `${shown.length} open alert${shown.length === 1 ? '' : 's'}`
      : 'No open alerts';
    return infoReply(title, [
      section(`*${title}*`),
      ...sectionsOf(rows),
      ...(maint.length ? sectionsOf(maint) : []),
      context('/vps capacity shows overcommit; /vps maintenance <host> on|off mutes a host'),
    ]);
  },
});
