/** A request as the bot signs it and the worker runs it: everything needed, nothing implied. */
import { randomBytes } from 'node:crypto';
import type { ArgValues, ResolvedTarget } from '../ops/operation.js';

export interface JobRequest {
  v: 1;
  /** Request id; also the BullMQ job id, so one request never runs twice. */
  id: string;
  op: string;
  host: string;
  target: ResolvedTarget;
  /** Parsed, normalized arguments (plans resolved, sizes in bytes). */
  args: ArgValues;
  user: string;
  /** Where to answer (chat channel); absent for `vpsops exec`. */
  channel?: string;
  /** Which adapter sent it: terminal, slack, exec. */
  origin: string;
  issuedAt: number;
  /** For a request that needed approval: the approval and the hash of this request it approved. */
  approval?: { id: string; hash: string };
}

export interface SignedJob {
  request: JobRequest;
  /** hex HMAC-SHA256 over the canonical encoding of `request`. */
  sig: string;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LETTERS = 'abcdefghjkmnpqrstvwxyz';

/**
 * A short id people can type (`/vps cancel k3x9q2mz`): 8 chars of Crockford-ish base32. It starts
 * with a letter because BullMQ refuses job ids that read as integers (about 1 in 10,000 otherwise).
 */
export function newRequestId(): string {
  const bytes = randomBytes(8);
  let id = LETTERS[bytes[0]! % LETTERS.length]!;
  for (const b of bytes.subarray(1)) id += ALPHABET[b & 31];
  return id;
}

export const REQUEST_ID_RE = /^[0-9a-z]{6,40}$/;
