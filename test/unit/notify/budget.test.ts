import { describe, expect, it } from 'vitest';
import { SlackBudget } from '../../../src/notify/budget.js';
import { testConfig } from '../../helpers/config.js';

function budget() {
  let now = 1_000_000;
  const b = new SlackBudget(testConfig().slack, () => now);
  return { b, advance: (ms: number) => (now += ms) };
}

describe('SlackBudget', () => {
  it('keeps chat.update to 80% of Tier 3 (40 a minute), then frees slots as the window slides', () => {
    const { b, advance } = budget();
    for (let i = 0; i < 40; i++) {
      expect(b.waitMs({ method: 'chat.update' })).toBe(0);
      b.take({ method: 'chat.update' });
      advance(100);
    }
    const wait = b.waitMs({ method: 'chat.update' });
    // A one-second margin over Slack's minute absorbs the requests' flight time.
    expect(wait).toBe(61_000 - 40 * 100);
    advance(wait);
    expect(b.waitMs({ method: 'chat.update' })).toBe(0);
  });

  it('spaces chat.postMessage 1.25 s apart per channel, independently across channels', () => {
    const { b, advance } = budget();
    b.take({ method: 'chat.postMessage', channel: 'C1' });
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C1' })).toBe(1250);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C2' })).toBe(0);
    advance(1250);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C1' })).toBe(0);
  });

  it('a 429 pauses that call’s buckets for Retry-After, and only those', () => {
    const { b, advance } = budget();
    b.pause({ method: 'chat.update' }, 3_000);
    expect(b.waitMs({ method: 'chat.update' })).toBe(3_000);
    expect(b.waitMs({ method: 'chat.postEphemeral' })).toBe(0);
    advance(3_000);
    expect(b.waitMs({ method: 'chat.update' })).toBe(0);
  });

  it('progress updates get half the chat.update budget, so outcomes always have room', () => {
    const { b } = budget();
    for (let i = 0; i < 20; i++) {
      expect(b.waitMs({ method: 'chat.update', progress: true })).toBe(0);
      b.take({ method: 'chat.update', progress: true });
    }
    expect(b.waitMs({ method: 'chat.update', progress: true })).toBeGreaterThan(0);
    expect(b.waitMs({ method: 'chat.update' })).toBe(0);
  });

  it('does not budget response_url posts', () => {
    const { b } = budget();
    for (let i = 0; i < 1000; i++) b.take({ method: 'response_url' });
    expect(b.waitMs({ method: 'response_url' })).toBe(0);
  });
});
