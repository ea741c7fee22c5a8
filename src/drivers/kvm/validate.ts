/**
 * Input checks for everything that ends up in a virsh argument array, a domain XML or a path
 * under the image directory. Each function returns the value in the form the caller wants, or
 * throws OpError BAD_INPUT with a sentence that says what was wrong. Nothing unchecked reaches libvirt.
 */
import { isAbsolute, resolve, sep } from 'node:path';
import { OpError } from '../../model/errors.js';

// Letters, digits, dot, dash, underscore; a letter or digit first so it never looks like a virsh option.
const DOMAIN_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const TEMPLATE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Most vCPUs one guest may have (KVM_MAX_VCPUS on current x86 kernels). */
export const MAX_VCPUS = 1024;
/** Smallest memory a guest may get; below this no current Linux kernel boots. */
export const MIN_MEMORY_BYTES = 16 * 1024 * 1024;
/** Smallest disk a guest may get. */
export const MIN_DISK_BYTES = 16 * 1024 * 1024;
/** Longest description stored in the domain XML. */
export const MAX_DESCRIPTION = 1000;

function bad(message: string): OpError {
  return new OpError('BAD_INPUT', message);
}

/** A libvirt domain name as vpsops creates and addresses them (1-63 characters). */
export function checkDomainName(name: string): string {
  if (typeof name !== 'string' || !DOMAIN_NAME_RE.test(name)) {
    throw bad(
      `"${printable(name)}" is not a valid guest name (1-63 letters, digits, ".", "-" or "_", ` +
        'starting with a letter or digit).',
    );
  }
  return name;
}

/** A name for a new snapshot: the same characters as a guest name. */
export function checkSnapshotName(name: string): string {
  if (typeof name !== 'string' || !DOMAIN_NAME_RE.test(name)) {
    throw bad(
      `"${printable(name)}" is not a valid snapshot name (1-63 letters, digits, ".", "-" or "_", ` +
        'starting with a letter or digit).',
    );
  }
  return name;
}

/**
 * The name of an existing snapshot, which an operator may have made by hand with spaces or
 * other characters: anything printable up to 255 characters that does not look like an option.
 */
export function checkSnapshotRef(name: string): string {
  if (
    typeof name !== 'string' ||
    name.trim() === '' ||
    name.length > 255 ||
    name.startsWith('-') ||
    hasControlChars(name)
  ) {
    throw bad(`"${printable(name)}" is not a valid snapshot name.`);
  }
  return name;
}

/** A template name from the config (`debian-12`), which names a base image and a domain XML template. */
export function checkTemplateName(name: string): string {
  if (typeof name !== 'string' || !TEMPLATE_RE.test(name)) {
    throw bad(`"${printable(name)}" is not a valid template name (e.g. debian-12).`);
  }
  return name;
}

/** A vCPU count, 1..1024. `what` names it in the message ("maximum vCPU count"). */
export function checkVcpus(n: number, what = 'vCPU count'): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_VCPUS) {
    throw bad(`${String(n)} is not a valid ${what} (a whole number from 1 to ${MAX_VCPUS}).`);
  }
  return n;
}

/** A size in bytes, a whole number of at least `min`. `what` names it in the message ("memory"). */
export function checkBytes(what: string, n: number, min: number): number {
  if (!Number.isSafeInteger(n) || n < min) {
    throw bad(
      `${String(n)} is not a valid ${what} size (a whole number of bytes, at least ${min / 1024 / 1024} MiB).`,
    );
  }
  return n;
}

/** Guest memory in bytes, at least 16 MiB. */
export function checkMemoryBytes(n: number): number {
  return checkBytes('memory', n, MIN_MEMORY_BYTES);
}

/** Guest disk in bytes, at least 16 MiB. */
export function checkDiskBytes(n: number): number {
  return checkBytes('disk', n, MIN_DISK_BYTES);
}

/** A UUID in the 8-4-4-4-12 form libvirt prints; returned lower case. */
export function checkUuid(uuid: string): string {
  if (typeof uuid !== 'string' || !UUID_RE.test(uuid)) {
    throw bad(`"${printable(uuid)}" is not a valid UUID.`);
  }
  return uuid.toLowerCase();
}

/** A unicast MAC address `xx:xx:xx:xx:xx:xx`; returned lower case. */
export function checkMac(mac: string): string {
  // The low bit of the first octet marks a multicast address, which a NIC must not have.
  if (typeof mac !== 'string' || !MAC_RE.test(mac) || (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1) {
    throw bad(`"${printable(mac)}" is not a valid unicast MAC address.`);
  }
  return mac.toLowerCase();
}

/** A free-text description (who created the guest, why): any text XML can carry, up to 1000 characters. */
export function checkDescription(text: string): string {
  if (typeof text !== 'string' || text.length > MAX_DESCRIPTION || hasXmlIllegalChars(text)) {
    throw bad(`The description must be at most ${MAX_DESCRIPTION} characters without control characters.`);
  }
  return text;
}

/**
 * True when the string holds a character XML 1.0 cannot carry at all, not even as `&#..;`
 * (control characters other than tab and line breaks, U+FFFE/U+FFFF, unpaired surrogates):
 * libvirt would refuse the whole document.
 */
export function hasXmlIllegalChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/**
 * An image path inside `imageDir`: `path` is relative to it or absolute, must not contain a `..`
 * segment, and must resolve inside the directory. Returns the absolute path. Symlinks are not
 * followed here (pure string check); the directory itself is trusted operator config.
 */
export function resolveInImageDir(imageDir: string, path: string): string {
  if (typeof imageDir !== 'string' || !isAbsolute(imageDir)) {
    throw new OpError('CONFIG', `The KVM image directory "${printable(imageDir)}" must be an absolute path.`);
  }
  if (
    typeof path !== 'string' ||
    path === '' ||
    path.includes('\0') ||
    hasControlChars(path) ||
    path.split(/[\\/]/).includes('..')
  ) {
    throw bad(`"${printable(path)}" is not a valid image file name.`);
  }
  const root = resolve(imageDir);
  const full = resolve(root, path);
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw bad(`"${printable(path)}" is outside the image directory ${root}.`);
  }
  return full;
}

/** The path of a guest's qcow2 overlay disk: `<imageDir>/<name>.qcow2`. */
export function overlayPath(imageDir: string, guestName: string): string {
  return resolveInImageDir(imageDir, `${checkDomainName(guestName)}.qcow2`);
}

/** Keeps messages one short line even when the input is long or binary. */
export function printable(value: unknown): string {
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
