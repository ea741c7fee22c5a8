/**
 * Input checks for everything that ends up on a vzctl/vzlist command line.
 * Each function returns the value in the form the command wants, or throws OpError BAD_INPUT
 * with a sentence that says what was wrong. Nothing unchecked reaches `run()`.
 */
import { isIP } from 'node:net';
import { OpError } from '../../model/errors.js';

/** Largest CTID vzctl accepts (include/vzctl.h). 0 is the host and never a guest. */
export const MAX_CTID = 2_147_483_644;
/** Smallest CTID the driver hands out; 1..100 are traditionally reserved on OpenVZ hosts. */
export const MIN_AUTO_CTID = 101;

const CTID_RE = /^[1-9][0-9]{0,9}$/;
// Letters, digits, dot, dash, underscore; must start with a letter or digit so it never looks like an option.
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TEMPLATE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const UUID_RE = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;
// vzlist prints strings unescaped inside JSON, so a quote or backslash would corrupt every later listing.
const DESCRIPTION_BAD = /["\\]/;
const MAX_DESCRIPTION = 200;
const MAX_VCPUS = 4096;
const MIB = 1024 * 1024;

function bad(message: string): OpError {
  return new OpError('BAD_INPUT', message);
}

/** A container id: a decimal 1..2147483644, as a string for the command line. */
export function checkCtid(id: string): string {
  if (typeof id !== 'string' || !CTID_RE.test(id) || Number(id) > MAX_CTID) {
    throw bad(`"${printable(id)}" is not a valid OpenVZ container id (a number from 1 to ${MAX_CTID}).`);
  }
  return id;
}

/** A container name; all-digit names are refused because vzctl would read them as a CTID. */
export function checkName(name: string): string {
  if (typeof name !== 'string' || !NAME_RE.test(name) || /^[0-9]+$/.test(name)) {
    throw bad(
      `"${printable(name)}" is not a valid container name (1-64 letters, digits, ".", "-" or "_", ` +
        'starting with a letter or digit, not all digits).',
    );
  }
  return name;
}

/** A snapshot name: same characters as a container name, at most 32 (vzctl's column width). */
export function checkSnapshotName(name: string): string {
  if (typeof name !== 'string' || !NAME_RE.test(name) || name.length > 32) {
    throw bad(
      `"${printable(name)}" is not a valid snapshot name (1-32 letters, digits, ".", "-" or "_", ` +
        'starting with a letter or digit).',
    );
  }
  return name;
}

/** An OS template cache name such as `debian-12-x86_64`. */
export function checkTemplate(template: string): string {
  if (typeof template !== 'string' || !TEMPLATE_RE.test(template)) {
    throw bad(`"${printable(template)}" is not a valid OS template name (e.g. debian-12-x86_64).`);
  }
  return template;
}

/** A DNS hostname (RFC 1123 labels). */
export function checkHostname(hostname: string): string {
  if (typeof hostname !== 'string' || !HOSTNAME_RE.test(hostname)) {
    throw bad(`"${printable(hostname)}" is not a valid hostname.`);
  }
  return hostname;
}

/** An IPv4/IPv6 address, optionally with a /prefix, as `--ipadd` takes it. */
export function checkIp(ip: string): string {
  const [addr = '', mask, ...rest] = typeof ip === 'string' ? ip.split('/') : [];
  const family = isIP(addr);
  const maxMask = family === 6 ? 128 : 32;
  const maskOk = mask === undefined || (/^[0-9]{1,3}$/.test(mask) && Number(mask) <= maxMask);
  if (family === 0 || !maskOk || rest.length > 0) {
    throw bad(`"${printable(ip)}" is not a valid IP address.`);
  }
  return ip;
}

/** A free-text description; no quotes, backslashes or control characters, not option-like. */
export function checkDescription(text: string): string {
  if (
    typeof text !== 'string' ||
    text.length === 0 ||
    text.length > MAX_DESCRIPTION ||
    DESCRIPTION_BAD.test(text) ||
    hasControlChars(text) ||
    text.startsWith('-')
  ) {
    throw bad(
      `The description must be 1-${MAX_DESCRIPTION} characters without quotes, backslashes or ` +
        'line breaks, and must not start with "-".',
    );
  }
  return text;
}

/** A vCPU count, 1..4096. */
export function checkVcpus(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_VCPUS) {
    throw bad(`${String(n)} is not a valid vCPU count (a whole number from 1 to ${MAX_VCPUS}).`);
  }
  return n;
}

/** A size in bytes: a whole number of at least 1 MiB. `what` names it in the message ("memory"). */
export function checkBytes(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < MIB) {
    throw bad(`${String(n)} is not a valid ${what} size (a whole number of bytes, at least 1 MiB).`);
  }
  return n;
}

/** A snapshot UUID with or without braces; returns it braced and lower case, as vzctl prints it. */
export function checkSnapshotId(id: string): string {
  const m = typeof id === 'string' ? UUID_RE.exec(id) : null;
  if (!m?.[1]) throw bad(`"${printable(id)}" is not a valid snapshot id (a UUID).`);
  return `{${m[1].toLowerCase()}}`;
}

/** True when the string looks like a snapshot UUID (braced or not). */
export function isSnapshotId(id: string): boolean {
  return UUID_RE.test(id);
}

// Keep messages one short line even when the input is long or binary.
function printable(value: unknown): string {
  const s = [...String(value)].map((c) => (hasControlChars(c) ? '?' : c)).join('');
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
