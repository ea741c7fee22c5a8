import { describe, expect, it } from 'vitest';
import { alertBlocks, alertChannel, alertKey } from '../../../src/chat/view/alert-card.js';
import { renderBlocks } from '../../../src/chat/view/text.js';
import type { AlertState } from '../../../src/model/alert.js';
import { testConfig } from '../../helpers/config.js';

const state = (over: Partial<AlertState> = {}): AlertState => ({
  fingerprint: 'crash:vz-1:101',
  kind: 'crash',
  severity: 'critical',
  host: 'vz-1',
  guest: 'web-1',
  group: 'eu',
  title: 'web-1 (101) crashed on vz-1',
  text: 'web-1 (101) on vz-1 crashed.',
  status: 'open',
  count: 3,
  firstAt: 1_000,
  openedAt: 1_000,
  lastAt: 5_000,
  announced: true,
  history: [],
  ...over,
});

describe('alert routing', () => {
  const config = testConfig({
    hosts: { 'vz-1': { kind: 'openvz', group: 'eu' } },
    slack: { alertsChannel: 'C0DEFAULT' },
    alerts: {
      routes: [
        { severity: ['critical'], groups: ['eu'], channel: 'C0EUPAGE' },
        { severity: ['critical'], channel: 'C0PAGER' },
      ],
    },
  });
  it('goes to the first route matching severity and host group, else the default channel', () => {
    expect(alertChannel(config, { severity: 'critical', group: 'eu' })).toBe('C0EUPAGE');
    expect(alertChannel(config, { severity: 'critical', group: 'us' })).toBe('C0PAGER');
    expect(alertChannel(config, { severity: 'warning', group: 'eu' })).toBe('C0DEFAULT');
  });
});

describe('the alert message', () => {
  it('an open crash has Start, Silence 1h and Ack, and says since when (not how often it was seen)', () => {
    const text = JSON.stringify(alertBlocks(state(), 10_000));
    expect(text).toContain('"action_id":"alert_start","value":"web-1@vz-1"');
    expect(text).toContain('alert_silence');
    expect(text).toContain('alert_ack');
    expect(text).toContain('*Since*\\n<!date^1^{date_short_pretty} {time}|1970-01-01T00:00:01Z>');
    expect(text).not.toContain('3 times');
  });
  it('a standing alert draws the same blocks at every check: nothing on it counts or ticks', () => {
    const later = state({ count: 40, lastAt: 600_000 });
    expect(alertBlocks(later, 700_000)).toEqual(alertBlocks(state(), 10_000));
  });
  it('resolved: no buttons, and how long it lasted', () => {
    const blocks = alertBlocks(state({ status: 'resolved', resolvedAt: 61_000 }), 70_000);
    expect(JSON.stringify(blocks)).not.toContain('alert_');
    expect(renderBlocks(blocks)).toContain('Resolved: ~web-1 (101) crashed on vz-1~ after 1m');
  });
  it('one message per episode: a new episode (after the cooldown) has a new key', () => {
    expect(alertKey(state())).not.toBe(alertKey(state({ firstAt: 99_000 })));
  });
});
