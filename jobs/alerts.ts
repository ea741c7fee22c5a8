import { defineOperation } from '../src/ops/operation.js';
import { FLEET_READ } from './kinds.js';

export default defineOperation({
  name: 'alerts',
  summary: 'Open alerts, and hosts in maintenance',
  target: 'none',
  args: {},
  risk: 'read',
  ...FLEET_READ,
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps alerts'],
  async answer({ services }) {
    const now = services.now();
    const [open, windows] = await Promise.all([services.alerts.open(), services.alerts.maintenance(now)]);
    const alerts = open.filter((a) => services.visible(a.host, a.guest));
    const maintenance = windows.filter((w) => services.visible(w.host));
    const text = alerts.length
      ? `${alerts.length} open alert${alerts.length === 1 ? '' : 's'}`
      : 'No open alerts';
    return { view: { kind: 'alerts', alerts, maintenance, now }, text };
  },
});
