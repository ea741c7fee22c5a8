/**
 * Alerts at the terminal over many checks, with the manager's clock in the test's hands and a real
 * Redis: a standing alert is printed when it opens and then only when something a person cares
 * about changes (severity, silence, flapping, the guests it lists, resolution), never per check.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertManager } from '../../src/bot/alerts/manager.js';
import { type BotCore, createBotCore } from '../../src/bot/core.js';
import { TerminalChat } from '../../src/chat/terminal/terminal.js';
import { loadConfig, packageRoot } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { TEST_JOB_KEY } from '../helpers/config.js';
import { publishGuests, type ReportedGuest, reportHost } from '../helpers/fleet.js';
import { captureLog } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const redis = useRedis();
const T0 = Date.UTC(2026, 0, 5, 9, 0);
let clock = T0;
let config: Config;
let core: BotCore;
let manager: AlertManager;
let out = '';
/** Alert checks run so far in this file. */
let checked = 0;

beforeAll(() => {
  // The demo's own configuration: its 2 s alert interval and its policy.
  config = loadConfig({
    env: { VPSOPS_JOB_KEY: TEST_JOB_KEY, REDIS_URL: redis.url },
    file: join(packageRoot(), 'config', 'demo.yaml'),
    overrides: [
      {
        log: { level: 'silent' },
        hosts: { 'vz-2': { kind: 'openvz', group: 'demo' }, 'vz-3': { kind: 'openvz', group: 'demo' } },
      },
    ],
  });
  core = createBotCore(config, captureLog('silent').logger);
  const output = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  const chat = new TerminalChat({ input: process.stdin, output, pipeline: core.pipeline, user: 'alice' });
  manager = new AlertManager({
    store: core.alerts,
    fleet: core.fleet,
    config,
    log: captureLog('silent').logger,
    emit: (e) => chat.alert(e),
    now: () => clock,
  });
});
afterAll(async () => {
  await core?.close();
});

/** `n` alert checks, one alert interval apart. */
async function checks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock += config.alerts.interval;
    await manager.evaluate();
    checked += 1;
  }
}

/** The alert cards printed so far for `fp` (each card ends with its "severity · kind · fp" line). */
const cards = (fp: string, text = out) =>
  text.split('\n').filter((l) => /^(info|warning|critical) · [a-z-]+ · /.test(l) && l.includes(` · ${fp}`));
/** The "↳ …" lines printed after `from` (an offset into the output). */
const notes = (from: number) =>
  out
    .slice(from)
    .split('\n')
    .filter((l) => l.startsWith('  ↳ '))
    .map((l) => l.slice(4));

const guests = (...gib: number[]): ReportedGuest[] =>
  gib.map((memGiB, i) => ({ name: `g-${i + 1}`, memGiB }));

describe('a standing alert at the terminal', () => {
  it('is printed once across five idle minutes of the demo’s checks, a drifting ratio included', async (ctx) => {
    const fp = 'overcommit:vz-1:memory';
    // 8 GiB promised 15 GiB: 1.88x, critical (the demo's vz-1).
    await reportHost(core.fleet, 'vz-1', { memGiB: 8, guests: guests(4, 4, 4, 3), at: clock });
    const cycles = (5 * 60_000) / config.alerts.interval;
    await checks(cycles / 2);
    // 15.2 GiB now: 1.90x, still critical. A moving ratio is not news.
    await publishGuests(core.fleet, 'vz-1', guests(4, 4, 4, 3.2), clock);
    await checks(cycles / 2);
    const printed = cards(fp);
    await ctx.annotate(
      `${cycles} checks (${config.alerts.interval} ms apart): ${printed.length} card(s) for ${fp}`,
    );
    expect(printed).toEqual(['critical · overcommit · overcommit:vz-1:memory']);
    expect(out).toContain('vz-1 RAM overcommitted 1.88x (critical)');
    expect(out).not.toMatch(/Seen|times/);
    // The positive control: every check did see the alert, and counted it where nobody reads it.
    expect((await core.alerts.get(fp))!.count).toBe(cycles);
  });

  it('is printed again once for each change a person cares about, marked as an update', async () => {
    const fp = 'overcommit:vz-2:memory';
    const count = () => cards(fp).length;
    await reportHost(core.fleet, 'vz-2', { memGiB: 8, guests: guests(4, 4.8), at: clock });
    await checks(10);
    expect(count()).toBe(1);
    expect(cards(fp).at(-1)).toMatch(/^warning · /);

    let mark = out.length;
    await publishGuests(core.fleet, 'vz-2', guests(4, 4.8, 3), clock);
    await checks(10);
    expect([count(), notes(mark)]).toEqual([2, ['updated: escalated to critical']]);
    expect(cards(fp).at(-1)).toMatch(/^critical · /);

    mark = out.length;
    await core.alerts.silences.silence(
      { scope: { host: 'vz-2' }, until: clock + 60_000, by: 'alice' },
      clock,
    );
    await checks(10);
    expect([count(), notes(mark)]).toEqual([3, ['updated: silenced']]);
    expect(cards(fp).at(-1)).toMatch(/ · silenced$/);

    // Back to warning while silenced: nothing, until the silence ends and the card catches up.
    mark = out.length;
    await publishGuests(core.fleet, 'vz-2', guests(4, 4.8), clock);
    await checks(40);
    expect([count(), notes(mark)]).toEqual([4, ['updated: down to warning; no longer muted']]);
    expect(cards(fp).at(-1)).toBe('warning · overcommit · overcommit:vz-2:memory');

    mark = out.length;
    await publishGuests(core.fleet, 'vz-2', guests(4), clock);
    await checks(10);
    expect(notes(mark)).toEqual(['resolved: RAM is back at 0.50x']);
    expect(count()).toBe(5);
  });

  it('flapping is said once when it starts and once when it ends; the changes in between print nothing', async () => {
    const fp = 'overcommit:vz-2:memory';
    const mark = out.length;
    // Over and under the warn ratio at every check: open, resolved, open… The earlier episode of
    // this alert counts (open, resolved), so the third reopening is the fifth change in the window.
    for (let i = 0; i < 10; i++) {
      await publishGuests(core.fleet, 'vz-2', i % 2 === 0 ? guests(4, 4.8) : guests(4), clock);
      await checks(1);
    }
    expect(notes(mark)).toEqual([
      'updated: back again',
      'resolved: RAM is back at 0.50x',
      'updated: back again; flapping: further changes are muted until it settles',
    ]);
    const settled = out.length;
    // Open, and left alone for the flap window: it settles with one more print.
    await publishGuests(core.fleet, 'vz-2', guests(4, 4.8), clock);
    await checks((31 * 60_000) / config.alerts.interval);
    expect(notes(settled)).toEqual(['updated: flapping ended']);
    expect(cards(fp, out.slice(settled))).toHaveLength(1);
  });

  it('a silent host’s alert is printed again when the guests it lists change, and once when it is back', async (ctx) => {
    const fp = 'host-silent:vz-3';
    await reportHost(core.fleet, 'vz-3', { memGiB: 64, guests: guests(1, 1), at: clock });
    await core.fleet.signOff('vz-3');
    await checks(10);
    expect(cards(fp)).toHaveLength(1);
    expect(out).toContain('Running there then: g-1, g-2.');

    const mark = out.length;
    await publishGuests(core.fleet, 'vz-3', guests(1, 1, 1), clock);
    await checks(10);
    expect(notes(mark)).toEqual(['updated: guests now: g-1, g-2, g-3']);
    expect(cards(fp)).toHaveLength(2);

    const back = out.length;
    await core.fleet.heartbeat('vz-3', 3600_000, clock);
    await checks(10);
    expect(notes(back)).toEqual([expect.stringMatching(/^vz-3 is reporting again after 40s of silence\./)]);
    expect(cards(fp)).toHaveLength(3);
    // vz-1 stood overcommitted through every check of this file: still the one card.
    await ctx.annotate(
      `${checked} checks in this file: ${cards('overcommit:vz-1:memory').length} card for vz-1`,
    );
    expect(cards('overcommit:vz-1:memory')).toHaveLength(1);
  });
});
