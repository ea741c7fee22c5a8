/**
 * Stable MAC addresses for guests. A guest re-created under the same name on the same host gets
 * the same MAC, so DHCP reservations and firewall rules keyed on it keep working.
 */
import { createHash } from 'node:crypto';

/** The prefix QEMU and libvirt use for guest NICs; 0x52 has the locally-administered bit set. */
export const QEMU_MAC_PREFIX = '52:54:00';

/**
 * `52:54:00:xx:xx:xx` from a SHA-256 of host name and guest name: same input, same MAC.
 * Only 24 bits vary, so in a large fleet two guests can collide; a caller that finds the MAC already
 * in use on the host passes `attempt` 1, 2, … to get another stable candidate.
 */
export function stableMac(hostName: string, guestName: string, attempt = 0): string {
  // NUL separates the parts so ("ab","c") and ("a","bc") do not hash alike.
  const input = attempt === 0 ? `${hostName}\0${guestName}` : `${hostName}\0${guestName}\0${attempt}`;
  const digest = createHash('sha256').update(input, 'utf8').digest();
  const tail = [...digest.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0'));
  return [QEMU_MAC_PREFIX, ...tail].join(':');
}
