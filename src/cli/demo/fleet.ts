/** The demo's simulated OpenVZ host: a handful of containers and delays long enough to watch. */
import type { SimContainerSeed } from '../../sim/openvz/index.js';

export const DEMO_CONTAINERS: SimContainerSeed[] = [
  {
    ctid: 101,
    name: 'web-1',
    hostname: 'web-1.example.com',
    ostemplate: 'debian-12-x86_64',
    ramMiB: 1024,
    diskGiB: 20,
    cpus: 1,
    ips: ['10.0.0.101'],
    running: true,
  },
  {
    ctid: 102,
    name: 'web-2',
    hostname: 'web-2.example.com',
    ostemplate: 'debian-12-x86_64',
    ramMiB: 1024,
    diskGiB: 20,
    cpus: 1,
    ips: ['10.0.0.102'],
    running: true,
  },
  {
    ctid: 103,
    name: 'db-1',
    hostname: 'db-1.example.com',
    ostemplate: 'centos-7-x86_64',
    ramMiB: 4096,
    diskGiB: 80,
    cpus: 2,
    ips: ['10.0.0.103'],
    running: true,
  },
  {
    ctid: 104,
    name: 'mail-1',
    hostname: 'mail-1.example.com',
    ostemplate: 'ubuntu-22.04-x86_64',
    ramMiB: 2048,
    diskGiB: 40,
    cpus: 1,
    ips: ['10.0.0.104'],
    running: false,
  },
  {
    ctid: 105,
    name: 'build-1',
    hostname: 'build-1.example.com',
    ostemplate: 'debian-12-x86_64',
    ramMiB: 2048,
    diskGiB: 60,
    cpus: 2,
    ips: ['10.0.0.105'],
    running: false,
  },
];

/** Milliseconds each vzctl action takes in the demo, so progress can be seen. */
export const DEMO_DELAYS: Record<string, number> = {
  start: 1500,
  stop: 1500,
  restart: 2500,
  snapshot: 1500,
  create: 3000,
  destroy: 1000,
  suspend: 1000,
  resume: 1000,
};
