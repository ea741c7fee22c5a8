/** Value syntax of vzctl options and config files: sizes with suffixes, barrier:limit pairs, IPs. */

/** LONG_MAX, what the kernel and vzlist print for "unlimited". Kept as Infinity in memory. */
export const UNLIMITED = Number.POSITIVE_INFINITY;
export const LONG_MAX = '9223372036854775807';
export const PAGE_SIZE = 4096;

const MULTIPLIERS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const SIZE_RE = /^(\d+(?:\.\d+)?)([KMGTPkmgtp]?)[Bb]?$/;

/** Formats a counter the way `%lu` prints it, with LONG_MAX for unlimited. */
export function fmtUl(value: number): string {
  return value === UNLIMITED ? LONG_MAX : String(Math.trunc(value));
}

/** `--ram`/`--swap`: bytes with K/M/G/T, or pages with P; returns 4 KiB pages rounded up. */
export function parsePages(text: string): number | undefined {
  const m = SIZE_RE.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = (m[2] ?? '').toUpperCase();
  if (suffix === 'P') return Math.ceil(n);
  return Math.ceil((n * (MULTIPLIERS[suffix] ?? 1)) / PAGE_SIZE);
}

/** `--diskspace`: plain numbers are KB; K/M/G/T suffixes scale to KB (fractions allowed: 2.2G). */
export function parseKb(text: string): number | undefined {
  if (text === 'unlimited') return UNLIMITED;
  const m = SIZE_RE.exec(text);
  if (!m || (m[2] ?? '').toUpperCase() === 'P') return undefined;
  const n = Number(m[1]);
  const suffix = (m[2] ?? '').toUpperCase();
  return Math.floor(suffix ? (n * (MULTIPLIERS[suffix] ?? 1)) / 1024 : n);
}

/** `S[:H]` with a per-part parser; a single value sets both. */
export function parsePair(
  text: string,
  part: (s: string) => number | undefined,
): [number, number] | undefined {
  const pieces = text.split(':');
  if (pieces.length > 2) return undefined;
  const first = part(pieces[0] ?? '');
  const second = pieces.length === 2 ? part(pieces[1] ?? '') : first;
  if (first === undefined || second === undefined) return undefined;
  return [first, second];
}

/** What one UBC value means: pages, bytes or a count; decides how suffixes scale. */
export type UbcKind = 'pages' | 'bytes' | 'items';

/** One UBC value: a number, `unlimited`, or a size with suffix (pages for page resources). */
export function parseUbcValue(text: string, kind: UbcKind): number | undefined {
  if (text === 'unlimited') return UNLIMITED;
  const m = SIZE_RE.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = (m[2] ?? '').toUpperCase();
  if (!suffix || suffix === 'P') return Math.floor(n);
  const bytes = n * (MULTIPLIERS[suffix] ?? 1);
  return kind === 'pages' ? Math.ceil(bytes / PAGE_SIZE) : Math.floor(bytes);
}

/** Config-file form of a UBC pair: one number when equal, `unlimited` for LONG_MAX. */
export function fmtUbcPair([barrier, limit]: [number, number]): string {
  const one = (v: number) => (v === UNLIMITED ? 'unlimited' : String(v));
  return barrier === limit ? one(barrier) : `${one(barrier)}:${one(limit)}`;
}

/** IPv4 or IPv6 address with an optional /mask, as vzctl's get_netaddr accepts. */
export function isValidIp(text: string): boolean {
  const [addr = '', mask, extra] = text.split('/');
  if (extra !== undefined) return false;
  const v4 = isIpv4(addr);
  if (!v4 && !isIpv6(addr)) return false;
  if (mask === undefined) return true;
  const bits = Number(mask);
  return /^\d+$/.test(mask) && bits <= (v4 ? 32 : 128);
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isIpv6(text: string): boolean {
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return false;
  try {
    // URL parsing is the IPv6 validator that ships with Node without another import.
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/** Address without its mask: IPs are compared this way (find_ip ignores the mask). */
export function ipOnly(text: string): string {
  return text.split('/')[0] ?? text;
}
