/**
 * Job signing: HMAC-SHA256 with VPSOPS_JOB_KEY over a canonical encoding (sorted keys, no
 * whitespace), so that write access to Redis alone cannot make a worker run anything.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { OpError } from './errors.js';
import type { JobRequest, SignedJob } from './request.js';

/** JSON with object keys sorted at every level; undefined members dropped; stable across processes. */
export function canonicalize(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error('cannot sign a non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalize(v)}`).join(',')}}`;
}

/** Refuses keys too short to be secret; say how to make one. */
export function checkJobKey(key: string | undefined): string {
  if (!key || key.length < 32) {
    throw new OpError(
      'CONFIG',
      'VPSOPS_JOB_KEY must be set to a secret of at least 32 characters, the same on the bot and every worker ' +
        '(make one with: openssl rand -hex 32).',
    );
  }
  return key;
}

export function sign(request: JobRequest, key: string): SignedJob {
  const sig = createHmac('sha256', key).update(canonicalize(request)).digest('hex');
  return { request, sig };
}

/** True when `job` carries a valid signature for exactly its request. */
export function verify(job: unknown, key: string): job is SignedJob {
  if (typeof job !== 'object' || job === null) return false;
  const { request, sig } = job as Partial<SignedJob>;
  if (
    typeof sig !== 'string' ||
    !/^[0-9a-f]{64}$/.test(sig) ||
    typeof request !== 'object' ||
    request === null
  ) {
    return false;
  }
  let expected: Buffer;
  try {
    expected = createHmac('sha256', key).update(canonicalize(request)).digest();
  } catch {
    return false;
  }
  return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
}
