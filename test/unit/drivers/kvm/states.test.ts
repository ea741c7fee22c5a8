import { describe, expect, it } from 'vitest';
import {
  mapStateNumbers,
  mapStateWords,
  REASON_NAMES,
  STATE_NAMES,
} from '../../../../src/drivers/kvm/states.js';

describe('libvirt state numbers → GuestState', () => {
  // [virDomainState, reason, our state, our reason]: what the inventory and the crash alert rely on.
  const table: [number, number, string, string | undefined][] = [
    [0, 0, 'unknown', undefined],
    [1, 0, 'running', undefined],
    [1, 1, 'running', 'booted'],
    [1, 5, 'running', 'unpaused'],
    [1, 9, 'running', 'crashed'],
    [2, 0, 'running', 'idle'],
    [3, 1, 'paused', 'user'],
    [3, 5, 'paused', 'I/O error'],
    [3, 10, 'crashed', 'crashed'],
    [4, 1, 'running', 'in shutdown'],
    [5, 0, 'stopped', undefined],
    [5, 1, 'stopped', 'shutdown'],
    [5, 2, 'stopped', 'destroyed'],
    [5, 3, 'crashed', 'crashed'],
    [5, 4, 'stopped', 'migrated'],
    [5, 5, 'stopped', 'saved'],
    [5, 6, 'crashed', 'failed'],
    [5, 7, 'stopped', 'from snapshot'],
    [5, 8, 'stopped', 'daemon'],
    [6, 0, 'crashed', undefined],
    [6, 1, 'crashed', 'panicked'],
    [7, 0, 'paused', 'pmsuspended'],
  ];

  it.each(table)('state %i reason %i → %s (%s)', (state, reason, ours, why) => {
    const mapped = mapStateNumbers(state, reason);
    expect(mapped.state).toBe(ours);
    expect(mapped.reason).toBe(why);
  });

  it('keeps unknown numbers visible instead of guessing', () => {
    expect(mapStateNumbers(9, 0)).toEqual({ state: 'unknown', reason: 'state 9' });
    expect(mapStateNumbers(5, 42)).toEqual({ state: 'stopped', reason: 'reason 42' });
  });

  it('has a name for every virDomainState and every shutoff reason libvirt defines', () => {
    expect(STATE_NAMES).toHaveLength(8);
    expect(REASON_NAMES[5]).toEqual([
      'unknown',
      'shutdown',
      'destroyed',
      'crashed',
      'migrated',
      'saved',
      'failed',
      'from snapshot',
      'daemon',
    ]);
  });
});

describe('virsh state words → GuestState', () => {
  it('maps the words of domstate --reason the same way as the numbers', () => {
    for (let state = 0; state < STATE_NAMES.length; state++) {
      for (let reason = 0; reason < (REASON_NAMES[state]?.length ?? 0); reason++) {
        const words = mapStateWords(STATE_NAMES[state]!, REASON_NAMES[state]![reason]);
        expect(words).toEqual(mapStateNumbers(state, reason));
      }
    }
  });
});
