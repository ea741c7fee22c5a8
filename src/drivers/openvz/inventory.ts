/**
 * `vzlist -a -j -o <fields>` → Guest[]. One call lists the whole host (contract §4).
 */
import { z } from 'zod';
import { OpError } from '../../model/errors.js';
import type { Guest, GuestState } from '../../model/hypervisor.js';

/** The fields asked for with `-o`; every one of them is allowed in JSON output. */
export const VZLIST_FIELDS = [
  'ctid',
  'name',
  'hostname',
  'description',
  'ostemplate',
  'ip',
  'status',
  'physpages',
  'swappages',
  'diskspace',
  'cpus',
] as const;

/** Arguments for one vzlist scan of every container (or of the given CTIDs). */
export function vzlistArgs(ctids: readonly string[] = []): string[] {
  return ['-a', '-j', '-o', VZLIST_FIELDS.join(','), ...ctids];
}

// vzctl prints LONG_MAX for "unlimited"; JSON.parse rounds it, so anything past 2^53 counts as unlimited.
const UNLIMITED = 2 ** 53;
const PAGE = 4096;

const nullableString = z.string().nullish();
const num = z.number().nullish();

const entrySchema = z.object({
  // OpenVZ 7 prints the CTID as a string (it may be a UUID there).
  ctid: z.union([z.number(), z.string()]),
  name: nullableString,
  hostname: nullableString,
  description: nullableString,
  ostemplate: nullableString,
  ip: z.array(z.string()).nullish(),
  status: z.string(),
  physpages: z.object({ limit: num }).passthrough().nullish(),
  swappages: z.object({ limit: num }).passthrough().nullish(),
  diskspace: z.object({ hardlimit: num }).passthrough().nullish(),
  cpus: num,
});

export type VzlistEntry = z.infer<typeof entrySchema>;

const STATES: Record<string, { state: GuestState; reason?: string }> = {
  running: { state: 'running' },
  stopped: { state: 'stopped' },
  mounted: { state: 'stopped', reason: 'mounted' },
  suspended: { state: 'paused', reason: 'suspended' },
};

function scaled(value: number | null | undefined, factor: number): number {
  if (value === null || value === undefined || value < 0 || value >= UNLIMITED) return 0;
  return value * factor;
}

const present = (s: string | null | undefined): s is string => typeof s === 'string' && s !== '';

/** One vzlist JSON object → Guest. */
export function toGuest(e: VzlistEntry): Guest {
  const id = String(e.ctid);
  const mapped = STATES[e.status] ?? { state: 'unknown' as const, reason: e.status };
  const guest: Guest = {
    id,
    name: present(e.name) ? e.name : id,
    state: mapped.state,
    vcpus: e.cpus ?? 0,
    memoryBytes: scaled(e.physpages?.limit, PAGE),
    diskBytes: scaled(e.diskspace?.hardlimit, 1024),
    ips: e.ip ?? [],
  };
  if (mapped.reason !== undefined) guest.stateReason = mapped.reason;
  // Unlimited swap has no size to count, so it is left out rather than read as 0.
  const swap = e.swappages?.limit;
  if (typeof swap === 'number' && swap >= 0 && swap < UNLIMITED) guest.swapBytes = swap * PAGE;
  if (present(e.hostname)) guest.hostname = e.hostname;
  if (present(e.ostemplate)) guest.template = e.ostemplate;
  if (present(e.description)) guest.description = e.description;
  return guest;
}

/**
 * Parses the stdout of `vzlist -a -j`. Empty output or `[]` is an empty host.
 * Throws HYPERVISOR when the text is not the JSON vzlist promises (e.g. an unescaped quote in a description).
 */
export function parseVzlist(stdout: string): Guest[] {
  const text = stdout.trim();
  if (text === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new OpError(
      'HYPERVISOR',
      'vzlist printed a listing that is not valid JSON; a container hostname or description may contain a quote.',
      { cause: err, detail: text.slice(0, 2000) },
    );
  }
  const parsed = z.array(entrySchema).safeParse(data);
  if (!parsed.success) {
    throw new OpError('HYPERVISOR', 'vzlist printed a listing in an unexpected shape.', {
      detail: parsed.error.message.slice(0, 2000),
    });
  }
  return parsed.data.map(toGuest);
}
