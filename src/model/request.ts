/** A request as the bot signs it and the worker runs it: everything needed, nothing implied. */
import { randomBytes } from 'node:crypto';

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

/**
 * What the positional word after the verb names:
 * guest (an existing guest), new-guest (a name to create), host, job (a job id), request (a request
 * waiting for approval), alert (a fingerprint), verb (help), none.
 */
export type TargetKind = 'guest' | 'new-guest' | 'host' | 'job' | 'request' | 'alert' | 'verb' | 'none';

export type ArgValues = Record<string, unknown>;

/** The guest or host a request is about, resolved by the bot. */
export interface ResolvedTarget {
  kind: TargetKind;
  host?: string;
  guestId?: string;
  guestName?: string;
  /** The raw word (job id, verb, new guest name). */
  word?: string;
}

/** `web-1 (101)`, the new guest's name, or the host. */
export function targetLabel(t: ResolvedTarget): string {
  if (t.guestName !== undefined)
    return t.guestName !== t.guestId ? `${t.guestName} (${t.guestId})` : t.guestName;
  return t.word ?? t.host ?? '';
}
