/**
 * libvirt error numbers (include/libvirt/virterror.h, virErrorNumber) and the message prefixes
 * libvirt puts in front of them (src/util/virerror.c). virsh prints only the message, so the prefix
 * is how a virsh stderr line gets its number back; the binding gives the number directly.
 */

/** A libvirt error reduced to what the mapping needs; the binding's LibvirtError fits. */
export interface LibvirtFailure {
  /** virErrorNumber, when known. */
  code?: number;
  /** libvirt's message, prefix included (`Requested operation is not valid: domain is not running`). */
  message: string;
}

/** The virErrorNumber values the driver tells apart. */
export const VIR_ERR = {
  INTERNAL_ERROR: 1,
  NO_SUPPORT: 3,
  NO_CONNECT: 5,
  INVALID_ARG: 8,
  OPERATION_FAILED: 9,
  XML_ERROR: 27,
  DOM_EXIST: 28,
  OPERATION_DENIED: 29,
  SYSTEM_ERROR: 38,
  RPC: 39,
  NO_DOMAIN: 42,
  AUTH_FAILED: 45,
  OPERATION_INVALID: 55,
  CONFIG_UNSUPPORTED: 67,
  OPERATION_TIMEOUT: 68,
  NO_DOMAIN_SNAPSHOT: 72,
  ARGUMENT_UNSUPPORTED: 74,
  OPERATION_ABORTED: 78,
  OPERATION_UNSUPPORTED: 84,
  AGENT_UNRESPONSIVE: 86,
  RESOURCE_BUSY: 87,
  ACCESS_DENIED: 88,
} as const;

// Longest first is not needed: no prefix is a prefix of another.
const PREFIXES: readonly [string, number][] = [
  ['internal error: ', VIR_ERR.INTERNAL_ERROR],
  ['this function is not supported by the connection driver: ', VIR_ERR.NO_SUPPORT],
  ['no connection driver available for ', VIR_ERR.NO_CONNECT],
  ['invalid argument: ', VIR_ERR.INVALID_ARG],
  ['operation failed: ', VIR_ERR.OPERATION_FAILED],
  ['XML error: ', VIR_ERR.XML_ERROR],
  ['operation forbidden: ', VIR_ERR.OPERATION_DENIED],
  ['Domain not found: ', VIR_ERR.NO_DOMAIN],
  ['authentication failed: ', VIR_ERR.AUTH_FAILED],
  ['Requested operation is not valid: ', VIR_ERR.OPERATION_INVALID],
  ['unsupported configuration: ', VIR_ERR.CONFIG_UNSUPPORTED],
  ['Timed out during operation: ', VIR_ERR.OPERATION_TIMEOUT],
  ['Domain snapshot not found: ', VIR_ERR.NO_DOMAIN_SNAPSHOT],
  ['argument unsupported: ', VIR_ERR.ARGUMENT_UNSUPPORTED],
  ['operation aborted: ', VIR_ERR.OPERATION_ABORTED],
  ['Operation not supported: ', VIR_ERR.OPERATION_UNSUPPORTED],
  ['Guest agent is not responding: ', VIR_ERR.AGENT_UNRESPONSIVE],
  ['resource busy: ', VIR_ERR.RESOURCE_BUSY],
  ['access denied: ', VIR_ERR.ACCESS_DENIED],
];

// VIR_ERR_SYSTEM_ERROR messages have no prefix; these are the ones the RPC layer raises for a dead socket.
const CONNECTION_TEXT =
  /Failed to connect socket|Disconnected from .* due to|Cannot recv data|Cannot write data|End of file while reading data|client socket is closed|unable to connect to server|failed to connect to the hypervisor|no connection driver available/i;

/** The number libvirt gave a message, from its prefix; undefined when the message has none. */
export function codeFromMessage(message: string): number | undefined {
  for (const [prefix, code] of PREFIXES) if (message.startsWith(prefix)) return code;
  if (/^domain .* exists already$/.test(message)) return VIR_ERR.DOM_EXIST;
  if (CONNECTION_TEXT.test(message)) return VIR_ERR.SYSTEM_ERROR;
  return undefined;
}

/** The message without libvirt's prefix: `domain is not running` for `Requested operation is not valid: …`. */
export function stripPrefix(message: string): string {
  for (const [prefix] of PREFIXES) if (message.startsWith(prefix)) return message.slice(prefix.length);
  return message;
}

/** True when the message says the connection to libvirtd failed or dropped. */
export function isConnectionMessage(message: string): boolean {
  return CONNECTION_TEXT.test(message);
}
