/**
 * The guest listing. On a shared libvirtd: ONE `virsh domstats` per scan for state, vCPUs, memory
 * and disks, plus what only the domain XML says (template, description), cached per guest and read
 * through the binding (no process) when a guest first shows up. On the test driver, whose guests no
 * other process can see, the binding lists them itself.
 */
import type { Guest } from '../../model/hypervisor.js';
import type { LvConnection, LvDomain } from './binding.js';
import { bindingError } from './connection.js';
import type { KvmContext } from './context.js';
import { type DomainXmlInfo, readDomainXml } from './domain-xml.js';
import { mapStateNumbers } from './states.js';
import { domstatsArgs, parseDomstats, statsToGuest } from './virsh-parse.js';

const KiB = 1024;
// XML details change only through define/resize; re-read now and then to catch edits made by hand.
const META_TTL_MS = 10 * 60_000;

interface Meta {
  info: DomainXmlInfo;
  at: number;
}

function withMeta(g: Guest, info: DomainXmlInfo | undefined): Guest {
  if (!info) return g;
  if (info.template !== undefined) g.template = info.template;
  if (info.description !== undefined && info.description !== '') g.description = info.description;
  // `--nowait` leaves out the stats of a guest busy with a libvirt job; the XML still knows its size.
  if (g.vcpus === 0 && info.vcpus !== undefined) g.vcpus = info.vcpus;
  if (g.memoryBytes === 0 && info.memoryKiB !== undefined) g.memoryBytes = info.memoryKiB * KiB;
  return g;
}

/** Lists guests and remembers their XML details between scans. */
export class Inventory {
  private readonly meta = new Map<string, Meta>();

  constructor(private readonly k: KvmContext) {}

  /** Every guest of the host, in one bulk call. */
  async list(signal?: AbortSignal): Promise<Guest[]> {
    if (this.k.testDriver) return this.listThroughBinding();
    const res = await this.k.virsh.ok(domstatsArgs(), { action: 'list', signal });
    const guests = parseDomstats(res.stdout).map(statsToGuest);
    await this.fillMeta(guests.map((g) => g.id));
    for (const name of this.meta.keys()) if (!guests.some((g) => g.id === name)) this.meta.delete(name);
    return guests.map((g) => withMeta(g, this.meta.get(g.id)?.info));
  }

  /** One guest (after a create or resize); GUEST_NOT_FOUND when it does not exist. */
  async guest(name: string, signal?: AbortSignal): Promise<Guest> {
    if (this.k.testDriver) return this.k.lv.domain('list', name, (c, d) => guestFromBinding(c, d, name));
    const res = await this.k.virsh.ok([...domstatsArgs(), name], { action: 'list', guest: name, signal });
    const stats = parseDomstats(res.stdout)[0];
    if (!stats) return this.k.lv.domain('list', name, (c, d) => guestFromBinding(c, d, name));
    this.forget(name);
    await this.fillMeta([name]);
    return withMeta(statsToGuest(stats), this.meta.get(name)?.info);
  }

  /** Drops what is remembered about a guest (after the driver changed or removed it). */
  forget(name: string): void {
    this.meta.delete(name);
  }

  private async fillMeta(names: readonly string[]): Promise<void> {
    const now = Date.now();
    const stale = names.filter((n) => {
      const m = this.meta.get(n);
      return !m || now - m.at > META_TTL_MS;
    });
    await Promise.all(
      stale.map(async (name) => {
        try {
          const xml = await this.k.lv.domain('list', name, (c, d) => c.domainGetXMLDesc(d));
          this.meta.set(name, { info: readDomainXml(xml), at: now });
        } catch (err) {
          // The listing stands without template and description; a guest may also vanish meanwhile.
          this.k.log.debug({ guest: name, err }, 'could not read domain XML for the inventory');
        }
      }),
    );
  }

  private listThroughBinding(): Promise<Guest[]> {
    return this.k.lv.run('list', async (c) => {
      const domains = await c.connectListAllDomains();
      const now = Date.now();
      const guests = await Promise.all(
        domains.map(async (d) => {
          const name = await d.getName();
          try {
            // XML details are cached as on the virsh path; the state is read every scan.
            const cached = this.meta.get(name);
            const fresh = cached && now - cached.at <= META_TTL_MS ? cached : undefined;
            const [info, xml] = fresh
              ? [await c.domainGetInfo(d), undefined]
              : await Promise.all([c.domainGetInfo(d), c.domainGetXMLDesc(d)]);
            if (xml !== undefined) this.meta.set(name, { info: readDomainXml(xml), at: now });
            return guestFromInfo(name, info, this.meta.get(name)?.info);
          } catch (err) {
            // Undefined between the listing and the lookup: it is simply gone.
            if (bindingError(err, 'list', this.k.uri, name).code === 'GUEST_NOT_FOUND') return undefined;
            throw err;
          }
        }),
      );
      const names = new Set(guests.map((g) => g?.id));
      for (const name of this.meta.keys()) if (!names.has(name)) this.meta.delete(name);
      // Plain code-unit order: localeCompare cost milliseconds per thousand guests on every scan.
      return guests
        .filter((g): g is Guest => g !== undefined)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }
}

async function guestFromBinding(c: LvConnection, d: LvDomain, name: string): Promise<Guest> {
  const [info, xml] = await Promise.all([c.domainGetInfo(d), c.domainGetXMLDesc(d)]);
  return guestFromInfo(name, info, readDomainXml(xml));
}

/** A guest from the binding's domain info and, when known, what its XML says. */
function guestFromInfo(
  name: string,
  info: { state: number; nrVirtCpu: number; memory: number },
  xml: DomainXmlInfo | undefined,
): Guest {
  const mapped = mapStateNumbers(info.state, 0);
  const guest: Guest = {
    id: name,
    name,
    state: mapped.state,
    vcpus: info.nrVirtCpu,
    memoryBytes: info.memory * KiB,
    // The binding has no block info; test-driver guests have no real disks anyway.
    diskBytes: 0,
    ips: [],
  };
  if (mapped.reason !== undefined) guest.stateReason = mapped.reason;
  return withMeta(guest, xml);
}
