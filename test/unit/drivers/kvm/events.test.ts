import { describe, expect, it } from 'vitest';
import {
  EVENT_ARGS,
  lifecycleType,
  parseEvent,
  parseEventLine,
  splitLines,
} from '../../../../src/drivers/kvm/events.js';
import { fixture } from './fixtures.js';

const lines = (name: string) => fixture(name).split('\n');
const events = (name: string) => lines(name).flatMap((l) => parseEvent(l, 0) ?? []);

describe('virsh event lines from a real QEMU host', () => {
  it('reports the guest whose QEMU process was killed as crashed, with the time virsh stamped', () => {
    const crash = events('events-qemu.txt').find((e) => e.guestId === 'db-1' && e.type === 'crashed');
    expect(crash).toEqual({
      type: 'crashed',
      guestId: 'db-1',
      reason: 'Failed',
      at: Date.parse('2026-11-24T21:50:21.623Z'),
    });
  });

  it('maps a whole session of start, suspend, destroy and define', () => {
    expect(events('events-qemu.txt').map((e) => `${e.guestId} ${e.type} ${e.reason}`)).toEqual([
      'cache-1 created Added',
      'db-1 created Added',
      'old-1 created Added',
      'cache-1 resumed Unpaused',
      'cache-1 started Booted',
      'cache-1 paused Paused',
      'old-1 resumed Unpaused',
      'old-1 started Booted',
      // "Shutdown Finished after host request" is skipped: the Stopped event follows.
      'old-1 stopped Destroyed',
      'db-1 resumed Unpaused',
      'db-1 started Booted',
      'db-1 crashed Failed',
      'new-1 created Added',
    ]);
  });
});

describe('virsh event lines from the test driver', () => {
  it('maps every lifecycle change the test driver emits', () => {
    expect(events('events-test-driver.txt').map((e) => `${e.guestId} ${e.type} ${e.reason}`)).toEqual([
      'test paused Paused',
      'test resumed Unpaused',
      'test stopped Shutdown',
      'test started Booted',
      'test stopped Destroyed',
      'test started Booted',
      'web-2 created Added',
      'web-2 started Booted',
      'web-2 stopped Destroyed',
      'web-2 destroyed Removed',
      'test stopped Saved',
      'test started Restored',
    ]);
  });

  it('ignores the lines virsh prints when the loop ends', () => {
    const ending = lines('events-timeout.txt');
    expect(ending).toContain('event loop timed out');
    expect(ending).toContain('events received: 0');
    expect(ending.map((l) => parseEventLine(l)).filter(Boolean)).toEqual([]);
    expect(parseEvent('event loop interrupted')).toBeUndefined();
  });
});

describe('event words from virsh-domain-event.c (not triggerable here)', () => {
  it.each([
    ['Stopped', 'Crashed', 'crashed'],
    ['Crashed', 'Panicked', 'crashed'],
    ['Crashed', 'Crashloaded', 'crashed'],
    ['Stopped', 'Migrated', 'stopped'],
    ['Stopped', 'Snapshot', 'stopped'],
    ['Started', 'Event wakeup', 'started'],
    ['Started', 'Snapshot', 'started'],
    ['Suspended', 'I/O Error', 'paused'],
    ['Suspended', 'Post-copy Error', 'paused'],
    ['PMSuspended', 'Memory', 'paused'],
    ['Resumed', 'Snapshot', 'resumed'],
    ['Defined', 'Renamed', 'created'],
    ['Undefined', 'Renamed', 'destroyed'],
    ['Defined', 'Updated', undefined],
    ['Defined', 'Snapshot', undefined],
    ['Shutdown', 'Finished after guest request', undefined],
    ['unknown', 'unknown', undefined],
  ])('%s %s → %s', (event, detail, type) => {
    expect(lifecycleType(event, detail)).toBe(type);
    const line = `2024-05-01 10:00:00.123+0000: event 'lifecycle' for domain 'web-1': ${event} ${detail}`;
    expect(parseEvent(line)?.type).toBe(type);
  });

  it('reads the example line of the issue', () => {
    expect(
      parseEvent("2024-05-01 10:00:00.123+0000: event 'lifecycle' for domain 'web-1': Stopped Failed"),
    ).toEqual({
      type: 'crashed',
      guestId: 'web-1',
      reason: 'Failed',
      at: Date.parse('2024-05-01T10:00:00.123Z'),
    });
  });

  it('parses other event kinds but does not turn them into lifecycle events', () => {
    expect(parseEventLine("2024-05-01 10:00:00.000+0000: event 'reboot' for domain 'web-1'")).toEqual({
      at: Date.parse('2024-05-01T10:00:00.000Z'),
      kind: 'reboot',
      domain: 'web-1',
    });
    const rtc = "2024-05-01 10:00:00.000+0000: event 'rtc-change' for domain 'web-1': 3600";
    expect(parseEventLine(rtc)).toMatchObject({ kind: 'rtc-change', detail: '3600' });
    expect(parseEvent(rtc)).toBeUndefined();
  });

  it('uses the given clock for lines without --timestamp', () => {
    expect(parseEvent("event 'lifecycle' for domain 'web-1': Started Booted", 42)).toEqual({
      type: 'started',
      guestId: 'web-1',
      reason: 'Booted',
      at: 42,
    });
  });
});

describe('streaming', () => {
  it('asks virsh for every event, forever, with timestamps', () => {
    expect(EVENT_ARGS).toEqual(['event', '--all', '--loop', '--timestamp']);
  });

  it('carries half a line over to the next chunk', () => {
    const a = splitLines('', "2024-05-01 10:00:00.123+0000: event 'lifecycle' for dom");
    expect(a.lines).toEqual([]);
    const b = splitLines(a.tail, "ain 'web-1': Stopped Failed\n2024");
    expect(b.lines.map((l) => parseEvent(l)?.type)).toEqual(['crashed']);
    expect(b.tail).toBe('2024');
  });
});
