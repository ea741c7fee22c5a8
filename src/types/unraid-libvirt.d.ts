/**
 * The part of the optional `@unraid/libvirt` binding (N-API) that vpsops uses. The package is
 * skipped by npm when libvirt-dev is missing, so the build must not need its own types: an
 * ambient declaration wins over the package's, and the build is the same with or without it.
 */
declare module '@unraid/libvirt' {
  /** A domain handle; valid only on the connection that returned it. */
  export interface Domain {
    getName(): Promise<string>;
  }

  /** `virDomainGetInfo`: state number, memory in KiB, vCPUs, CPU time in ns. */
  export interface DomainInfo {
    state: number;
    maxMem: number;
    memory: number;
    nrVirtCpu: number;
    cpuTime: number;
  }

  /** `virNodeGetInfo`: `cpus` are the logical CPUs (threads), `memory` is in KiB. */
  export interface NodeInfo {
    model: string;
    memory: number;
    cpus: number;
    mhz: number;
    nodes: number;
    sockets: number;
    cores: number;
    threads: number;
  }

  /** One connection to libvirt. */
  export class Hypervisor {
    constructor(opts: { uri: string });
    connectOpen(): Promise<void>;
    connectClose(): Promise<void>;
    connectListAllDomains(flags?: number): Promise<Domain[]>;
    connectGetHostname(): Promise<string>;
    connectGetMaxVcpus(type?: string): Promise<number>;
    nodeGetInfo(): Promise<NodeInfo>;
    domainLookupByName(name: string): Promise<Domain>;
    domainDefineXML(xml: string): Promise<Domain>;
    domainCreate(d: Domain): Promise<void>;
    domainShutdown(d: Domain): Promise<void>;
    domainSuspend(d: Domain): Promise<void>;
    domainResume(d: Domain): Promise<void>;
    domainDestroy(d: Domain): Promise<void>;
    domainUndefine(d: Domain): Promise<void>;
    domainGetInfo(d: Domain): Promise<DomainInfo>;
    domainGetXMLDesc(d: Domain, flags?: number): Promise<string>;
  }
}
