/**
 * npm run bench (KVM part): one inventory scan of 500 guests by the KVM driver on a libvirt
 * test-driver file against the raw bulk listing of a connection to the same URI (the binding's
 * listAllDomains plus info and XML per domain: what the scan needs, without mapping or parsing),
 * in alternating rounds. Also counts the subprocesses a scan starts. On test:// URIs the state
 * lives in the connection, so the driver lists through the binding; elsewhere it runs one
 * `virsh domstats`.
 */
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBinding } from '../src/drivers/kvm/binding.js';
import { KvmDriver } from '../src/drivers/kvm/index.js';
import { mb, ms, summarize } from './stats.js';

const GUESTS = Number(process.argv[2] ?? 500);
const ROUNDS = 10;
const PER_ROUND = 10;

function nodeXml(n: number): string {
  const domains = Array.from({ length: n }, (_, i) => {
    const state = i % 3 === 0 ? 5 : 1; // a third stopped
    return `<domain type="test"><name>g-${i + 1}</name><memory unit="KiB">1048576</memory><vcpu>2</vcpu><os><type>hvm</type></os><devices><disk type="file" device="disk"><source file="/var/lib/vpsops/images/g-${i + 1}.qcow2"/><target dev="vda" bus="virtio"/></disk></devices><test:runstate>${state}</test:runstate></domain>`;
  });
  return `<?xml version="1.0"?>\n<node xmlns:test="http://libvirt.org/schemas/domain/test/1.0"><cpu><mhz>2400</mhz><model>x86_64</model><active>32</active><nodes>1</nodes><sockets>2</sockets><cores>8</cores><threads>2</threads></cpu><memory>134217728</memory>\n${domains.join('\n')}\n</node>\n`;
}

const dir = await mkdtemp(join(tmpdir(), 'vpsops-kvm-bench-'));
const file = join(dir, 'node.xml');
await writeFile(file, nodeXml(GUESTS));
const uri = `test://${file}`;

// A virsh that counts its own starts, to check that a scan starts at most one subprocess.
const counter = join(dir, 'count');
const countingVirsh = join(dir, 'virsh');
await writeFile(countingVirsh, `#!/bin/sh\necho x >> '${counter}'\nexec virsh "$@"\n`);
await chmod(countingVirsh, 0o755);
const counted = new KvmDriver({ uri, imageDir: dir, virsh: countingVirsh });
await counted.list(); // fills the per-guest metadata cache (XML through the binding, once per TTL)
await writeFile(counter, '');
await counted.list();
const starts = (await readFile(counter, 'utf8')).split('\n').filter(Boolean).length;
await counted.close();

const driver = new KvmDriver({ uri, imageDir: dir });
const first = performance.now();
const guests = await driver.list();
const firstScanMs = performance.now() - first;
const { Hypervisor } = await loadBinding();
const conn = new Hypervisor({ uri });
await conn.connectOpen();
const raw = async () => {
  const domains = await conn.connectListAllDomains();
  await Promise.all(
    domains.map(async (d) => {
      await d.getName();
      await Promise.all([conn.domainGetInfo(d), conn.domainGetXMLDesc(d)]);
    }),
  );
};
const floor: number[] = [];
const ours: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < PER_ROUND; i++) {
    const t0 = performance.now();
    await raw();
    floor.push(performance.now() - t0);
  }
  for (let i = 0; i < PER_ROUND; i++) {
    const t0 = performance.now();
    await driver.list();
    ours.push(performance.now() - t0);
  }
}
await driver.close();
await conn.connectClose();
const f = summarize(floor);
const o = summarize(ours);
console.log(
  `\nKVM inventory bench: ${guests.length} guests on ${uri}, ${ROUNDS} alternating rounds of ${PER_ROUND}`,
);
console.log(
  `floor (raw binding listing: all domains, info and XML each): p50 ${ms(f.p50)}  p99 ${ms(f.p99)}`,
);
console.log(
  `vpsops scan (KvmDriver.list): p50 ${ms(o.p50)}  p99 ${ms(o.p99)}   first scan ${ms(firstScanMs)} (fills the metadata cache)`,
);
console.log(
  `ratio p50 ${(o.p50 / f.p50).toFixed(2)}  (goal <= 1.2)   subprocesses per scan: ${starts} (goal <= 1)`,
);
console.log(
  `RSS of the process holding the driver and ${guests.length} guests: ${mb(process.memoryUsage().rss)}`,
);
process.exit(0);
