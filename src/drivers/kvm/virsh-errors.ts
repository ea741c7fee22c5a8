/**
 * virsh stderr → the libvirt failure inside it. virsh prints a line of its own first
 * (`error: Failed to suspend domain 'db-1'`), then libvirt's message with its prefix
 * (`error: Requested operation is not valid: domain is not running`). Some failures are virsh's
 * alone (`error: failed to get domain 'x'`, `error: Domain is already active`) and get the number
 * of the libvirt error they stand for.
 */
import { codeFromMessage, type LibvirtFailure, VIR_ERR } from './libvirt-codes.js';

// Context lines virsh prints before libvirt's message; they name the action, not the cause.
const CONTEXT_RE = /^Failed to \S+ domain\b|^Failed to (define|create) domain from\b/;

// virsh's own messages that stand alone, and the libvirt error each stands for.
const VIRSH_OWN: readonly [RegExp, number][] = [
  [/^failed to get domain '/, VIR_ERR.NO_DOMAIN],
  [/^Domain is already active$/, VIR_ERR.OPERATION_INVALID],
  [/has no current snapshot$/, VIR_ERR.NO_DOMAIN_SNAPSHOT],
  [/^failed to connect to the hypervisor$/, VIR_ERR.NO_CONNECT],
];

function ownCode(line: string): number | undefined {
  return VIRSH_OWN.find(([re]) => re.test(line))?.[1];
}

/**
 * The libvirt error in a virsh stderr: libvirt's own line when there is one (its number from the
 * prefix), else virsh's standalone message, else the last line with no number.
 */
export function virshFailure(stderr: string): LibvirtFailure {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim().replace(/^error: /, ''))
    .filter((l) => l !== '');
  for (const line of lines) {
    if (CONTEXT_RE.test(line) || ownCode(line) !== undefined) continue;
    const code = codeFromMessage(line);
    if (code !== undefined) return { code, message: line };
  }
  for (const line of lines) {
    const code = ownCode(line);
    if (code !== undefined) return { code, message: line };
  }
  const last = lines.filter((l) => !CONTEXT_RE.test(l)).pop() ?? lines.pop() ?? '';
  return { message: last };
}
