import { describe, expect, it } from 'vitest';
import type { JobRequest } from '../../../src/model/request.js';
import { canonicalize, checkJobKey, sign, verify } from '../../../src/model/signing.js';

const KEY = 'k'.repeat(40);
const request: JobRequest = {
  v: 1,
  id: 'abc12345',
  op: 'stop',
  host: 'vz-1',
  target: { kind: 'guest', host: 'vz-1', guestId: '101', guestName: 'web-1' },
  args: { force: false, timeout: 60000 },
  user: 'alice',
  origin: 'terminal',
  issuedAt: 1_700_000_000_000,
};

describe('signing', () => {
  it('canonical encoding sorts keys at every level and drops undefined', () => {
    expect(canonicalize({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"z":1}]},"b":1}',
    );
    expect(canonicalize({ a: 1, b: 2 })).toBe(canonicalize({ b: 2, a: 1 }));
  });

  it('a signed job verifies, even after a JSON round trip that reorders keys', () => {
    const signed = sign(request, KEY);
    expect(signed.sig).toMatch(/^[0-9a-f]{64}$/);
    const reordered = JSON.parse(JSON.stringify({ sig: signed.sig, request: { ...signed.request } }));
    expect(verify(reordered, KEY)).toBe(true);
  });

  it('any change to the request breaks the signature', () => {
    const signed = sign(request, KEY);
    expect(verify({ ...signed, request: { ...request, op: 'destroy' } }, KEY)).toBe(false);
    expect(verify({ ...signed, request: { ...request, args: { force: true, timeout: 60000 } } }, KEY)).toBe(
      false,
    );
    expect(
      verify({ ...signed, request: { ...request, target: { ...request.target, guestId: '102' } } }, KEY),
    ).toBe(false);
  });

  it('an unsigned job, a malformed signature or another key is refused', () => {
    expect(verify({ request }, KEY)).toBe(false);
    expect(verify({ request, sig: 'nothex' }, KEY)).toBe(false);
    expect(verify(sign(request, 'x'.repeat(40)), KEY)).toBe(false);
    expect(verify(null, KEY)).toBe(false);
  });

  it('a short or missing job key is refused with how to make one', () => {
    expect(() => checkJobKey(undefined)).toThrow(/openssl rand -hex 32/);
    expect(() => checkJobKey('short')).toThrow(/at least 32/);
    expect(checkJobKey(KEY)).toBe(KEY);
  });
});

describe('request ids', () => {
  it('are short, typeable, and never read as an integer (BullMQ refuses those)', async () => {
    const { newRequestId, REQUEST_ID_RE } = await import('../../../src/model/request.js');
    for (let i = 0; i < 20_000; i++) {
      const id = newRequestId();
      expect(id).toMatch(REQUEST_ID_RE);
      expect(id).toMatch(/^[a-z][0-9a-z]{7}$/);
    }
  });
});
