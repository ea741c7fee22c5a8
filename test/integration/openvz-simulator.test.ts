/**
 * The OpenVZ simulator against the vzctl 4.11.1 contract (shared/reference/openvz-contract.md):
 * the real executables run as subprocesses in a fresh state directory, and every assertion is on
 * what a caller sees (stdout, stderr, exit code, /proc files). Needs the build (`npm test` does it).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExecResult, run } from '../../src/drivers/exec.js';
import { createSimHost, type SimHost, simControl } from '../../src/sim/openvz/index.js';

let root: string;
let sim: SimHost;
let ctl: ReturnType<typeof simControl>;

const vzctl = (...args: string[]): Promise<ExecResult> => run(sim.vzctl, args, { timeoutMs: 15_000 });
const vzlist = (...args: string[]): Promise<ExecResult> => run(sim.vzlist, args, { timeoutMs: 15_000 });
const proc = (file: string): Promise<string> => readFile(join(sim.procRoot, file), 'utf8');

/** Runs vzctl calls one after another: calls on the same CT would meet its lock. */
async function inTurn(...calls: string[][]): Promise<ExecResult[]> {
  const results: ExecResult[] = [];
  for (const args of calls) results.push(await vzctl(...args));
  return results;
}

/** The parts of a result a test compares. */
function out(r: ExecResult | undefined): { code: number; stdout: string; stderr: string } {
  if (!r) throw new Error('missing result');
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** A beancounter as `vzlist -j` prints it. */
interface Ubc {
  held: number;
  maxheld: number;
  barrier: number;
  limit: number;
  failcnt: number;
}

/** One CT of `vzlist -j`; only the members the tests read are typed. */
interface ListedCt extends Record<string, unknown> {
  ctid: number;
  physpages: Ubc;
  swappages: Ubc;
  kmemsize: Ubc;
  numproc: Ubc;
}

/** `vzlist -j ARGS`, parsed. */
async function listed(...args: string[]): Promise<ListedCt[]> {
  return JSON.parse((await vzlist('-j', ...args)).stdout) as ListedCt[];
}

const UUID_RE = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vpsops-vzsim-'));
  sim = await createSimHost({
    dir: join(root, 'host'),
    containers: [
      {
        ctid: 101,
        name: 'web1',
        hostname: 'web1.example.com',
        ramMiB: 1024,
        diskGiB: 10,
        cpus: 2,
        ips: ['10.0.0.101'],
        running: true,
      },
      { ctid: 102, name: 'db1', ramMiB: 2048, diskGiB: 20, running: false },
      { ctid: 103, name: 'flat', layout: 'simfs', running: false },
      { ctid: 104, name: 'cycler', ips: ['10.0.0.104'], running: false },
      { ctid: 105, name: 'locky', running: false },
      { ctid: 106, name: 'snappy', ips: ['10.0.0.106'], running: true },
      { ctid: 107, name: 'sleeper', ips: ['10.0.0.107'], running: true },
      { ctid: 108, name: 'victim', running: true },
      { ctid: 109, name: 'setter', ips: ['10.0.0.109'], cpus: 1, running: true },
      { ctid: 110, name: 'clash', ips: ['10.0.0.101'], running: false },
    ],
  });
  ctl = simControl(sim.dir);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('command line', () => {
  it('answers --version, rejects unknown commands, bad and missing CTIDs', async () => {
    const [version, bad, badId, noId, unknownCt] = await Promise.all([
      vzctl('--version'),
      vzctl('frobnicate', '101'),
      vzctl('start', 'no-such-name'),
      vzctl('start'),
      vzctl('start', '999'),
    ]);
    expect(out(version)).toEqual({ code: 0, stdout: 'vzctl version 4.11.1\n', stderr: '' });
    expect(bad.exitCode).toBe(20);
    expect(bad.stderr).toMatch(/^Bad command: frobnicate\n.*Usage: vzctl \[options\] <command> <ctid>/s);
    expect(out(badId)).toEqual({ code: 21, stdout: '', stderr: 'Bad CT ID no-such-name\n' });
    expect(out(noId)).toEqual({ code: 21, stdout: '', stderr: 'CT ID missing\n' });
    expect(out(unknownCt)).toEqual({
      code: 14,
      stdout: '',
      stderr: 'Container config file does not exist\n',
    });
  });

  it('gives each kind of option error its own exit code', async () => {
    const [set, start, destroy, extra, quiet] = await inTurn(
      ['set', '102', '--bogus', '1'],
      ['start', '102', '--bogus'],
      ['destroy', '102', 'a', 'b'],
      ['set', '102', '--save', 'stray'],
      ['--quiet', 'set', '102', '--cpus', 'x'],
    );
    expect(out(set)).toEqual({ code: 21, stdout: '', stderr: "vzctl: unrecognized option '--bogus'\n" });
    expect(out(start)).toEqual({ code: 20, stdout: '', stderr: "vzctl: unrecognized option '--bogus'\n" });
    expect(out(destroy)).toEqual({ code: 20, stdout: '', stderr: 'Invalid options: a b \n' });
    expect(out(extra)).toEqual({ code: 20, stdout: '', stderr: 'Invalid extra arguments: stray \n' });
    expect(out(quiet)).toEqual({ code: 21, stdout: '', stderr: '' });
  });
});

describe('status, start, stop', () => {
  it('prints one status line per state, by CTID or by name', async () => {
    const [running, stopped, missing, byName] = await Promise.all([
      vzctl('status', '101'),
      vzctl('status', '102'),
      vzctl('status', '999'),
      vzctl('status', 'web1'),
    ]);
    expect(out(running)).toEqual({ code: 0, stdout: 'CTID 101 exist mounted running\n', stderr: '' });
    expect(out(stopped)).toEqual({ code: 0, stdout: 'CTID 102 exist unmounted down\n', stderr: '' });
    expect(out(missing)).toEqual({ code: 0, stdout: 'CTID 999 deleted unmounted down\n', stderr: '' });
    expect(byName.stdout).toBe('CTID 101 exist mounted running\n');
  });

  it('starts, refuses a second start, stops, and exits 0 when stopping a stopped CT', async () => {
    expect(out(await vzctl('start', '104'))).toEqual({
      code: 0,
      stdout:
        'Starting container...\nContainer is mounted\nAdding IP address(es): 10.0.0.104\n' +
        'Setting CPU units: 1000\nContainer start in progress...\n',
      stderr: '',
    });
    expect(out(await vzctl('start', '104'))).toEqual({
      code: 32,
      stdout: '',
      stderr: 'Container is already running\n',
    });
    expect(out(await vzctl('stop', '104'))).toEqual({
      code: 0,
      stdout: 'Stopping container ...\nContainer was stopped\nContainer is unmounted\n',
      stderr: '',
    });
    expect(out(await vzctl('stop', 'cycler'))).toEqual({
      code: 0,
      stdout: '',
      stderr: 'Unable to stop: container is not running\n',
    });
    expect((await vzctl('status', '104')).stdout).toBe('CTID 104 exist unmounted down\n');
  });

  it('refuses to start a CT whose IP another running CT holds, cleaning up after itself', async () => {
    expect(out(await vzctl('start', '110'))).toEqual({
      code: 78,
      stdout:
        'Starting container...\nContainer is mounted\nAdding IP address(es): 10.0.0.101\n' +
        'Killing container ...\nContainer was stopped\nContainer is unmounted\n',
      stderr:
        'Unable to add IP 10.0.0.101: Address already in use\n' +
        'Container start failed (try to check kernel messages, e.g. "dmesg | tail")\n',
    });
    expect((await vzctl('status', '110')).stdout).toBe('CTID 110 exist unmounted down\n');
  });

  it('emulates exec and exec2 exit semantics', async () => {
    // exec takes no lock, so these may run side by side.
    const [ok, failed, failed2, down, down2, none] = await Promise.all([
      vzctl('exec', '101', 'true'),
      vzctl('exec', '101', 'false'),
      vzctl('exec2', '101', 'exit', '3'),
      vzctl('exec', '102', 'ls'),
      vzctl('exec2', '102', 'ls'),
      vzctl('exec', '101'),
    ]);
    expect([ok.exitCode, failed.exitCode, failed2.exitCode]).toEqual([0, 8, 3]);
    expect(out(down)).toEqual({ code: 8, stdout: '', stderr: 'Container is not running\n' });
    expect(out(down2)).toEqual({ code: 31, stdout: '', stderr: 'Container is not running\n' });
    expect(out(none)).toEqual({ code: 20, stdout: '', stderr: 'No command line given for exec\n' });
  });
});

describe('create and destroy', () => {
  it('refuses a missing template, a taken name, a bad IP and an existing CT', async () => {
    const [template, name, ip, exists] = await Promise.all([
      vzctl('create', '150', '--ostemplate', 'centos-9-x86_64'),
      vzctl('create', '151', '--ostemplate', 'debian-12-x86_64', '--name', 'web1'),
      vzctl('create', '152', '--ipadd', '10.0.0.300'),
      vzctl('create', '102', '--ostemplate', 'debian-12-x86_64'),
    ]);
    expect(out(template)).toEqual({
      code: 91,
      stdout: '',
      stderr:
        'Cached OS template /vz/template/cache/centos-9-x86_64.tar[.gz|.bz2|.xz] not found\n' +
        'Creation of container private area failed\n',
    });
    expect(out(name)).toEqual({
      code: 131,
      stdout: '',
      stderr:
        'Conflict: name web1 already used by container 101\nCreation of container private area failed\n',
    });
    expect(out(ip)).toEqual({ code: 21, stdout: '', stderr: 'Bad parameter for --ipadd: 10.0.0.300\n' });
    expect(exists.exitCode).toBe(44);
    expect(exists.stdout).toBe(
      'Warning: CT config file already exists, not applying a default config sample.\n' +
        'It might lead to incomplete CT configuration, you can use --applyconfig to fix.\n',
    );
    expect(exists.stderr).toBe(
      'Private area already exists in /vz/private/102\nCreation of container private area failed\n',
    );
    expect((await vzctl('status', '150')).stdout).toBe('CTID 150 deleted unmounted down\n');
  });

  it('creates a stopped CT with a real config file, then destroys it', async () => {
    const created = await vzctl(
      'create',
      '160',
      '--ostemplate',
      'debian-12-x86_64',
      '--name',
      'shop',
      '--hostname',
      'shop.example.com',
      '--ipadd',
      '10.0.0.160',
      '--ipadd',
      '10.0.0.161',
    );
    expect(out(created)).toEqual({
      code: 0,
      stdout:
        'Name shop assigned\nCreating image: /vz/private/160.tmp/root.hdd/root.hdd size=2306867K\n' +
        'Creating container private area (debian-12-x86_64)\nPerforming postcreate actions\n' +
        'CT configuration saved to /etc/vz/conf/160.conf\nContainer private area was created\n',
      stderr: '',
    });
    const conf = await readFile(join(sim.dir, 'etc/vz/conf/160.conf'), 'utf8');
    for (const line of [
      'PHYSPAGES="0:65536"',
      'SWAPPAGES="0:131072"',
      'DISKSPACE="2097152:2306867"',
      'DISKINODES="131072:144179"',
      'CPUUNITS="1000"',
      'ORIGIN_SAMPLE="vswap-256m"',
      'OSTEMPLATE="debian-12-x86_64"',
      'VE_LAYOUT="ploop"',
      'IP_ADDRESS="10.0.0.160 10.0.0.161"',
      'HOSTNAME="shop.example.com"',
      'NAME="shop"',
    ]) {
      expect(conf.split('\n')).toContain(line);
    }
    expect((await vzctl('status', 'shop')).stdout).toBe('CTID 160 exist unmounted down\n');

    await vzctl('start', '160');
    expect(out(await vzctl('destroy', '160'))).toEqual({
      code: 32,
      stdout: 'Container is currently running. Stop it first.\n',
      stderr: '',
    });
    await vzctl('stop', '160');
    expect(out(await vzctl('delete', '160'))).toEqual({
      code: 0,
      stdout: 'Destroying container private area: /vz/private/160\nContainer private area was destroyed\n',
      stderr: '',
    });
    expect(existsSync(join(sim.dir, 'etc/vz/conf/160.conf.destroyed'))).toBe(true);
    expect(existsSync(join(sim.dir, 'vz/private/160'))).toBe(false);
    expect((await vzctl('status', '160')).stdout).toBe('CTID 160 deleted unmounted down\n');
  });
});

describe('locking', () => {
  it('holds the lock for a slow action: a concurrent action gets exit 9, progress shows as it goes', async () => {
    await ctl.setDelay('start', 1_500);
    try {
      const t0 = Date.now();
      const child = spawn(sim.vzctl, ['start', '105']);
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
      // Progress shows as it goes: the first line is out while vzctl still holds the CT (the
      // refusals below come after it), not printed with the rest at the end.
      while (!stdout.startsWith('Starting container...\n')) await new Promise((r) => setTimeout(r, 20));
      const lockFile = join(sim.dir, 'vz/lock/105.lck');
      expect(await readFile(lockFile, 'utf8')).toBe(`${child.pid}\n\n`);

      const busy = await vzctl('stop', '105');
      expect(busy.exitCode).toBe(9);
      expect(busy.stderr).toMatch(
        /^Locked by: pid \d+, cmdline \S*vzctl start 105\nContainer already locked\n$/,
      );
      expect((await vzctl('set', '105', '--cpus', '2', '--save')).exitCode).toBe(9);

      expect(await exited).toBe(0);
      // A lower bound on the delay: a busy machine can only make it longer.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1_500);
      expect(stdout).toMatch(/^Starting container\.\.\.\n[\s\S]*Container start in progress\.\.\.\n$/);
      expect(existsSync(lockFile)).toBe(false);
    } finally {
      await ctl.setDelay('start', 0);
    }
  });

  it('removes a stale lock left by a dead process and goes on', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    await writeFile(join(sim.dir, 'vz/lock/105.lck'), `${dead.pid}\n\n`);
    expect(out(await vzctl('stop', '105'))).toEqual({
      code: 0,
      stdout:
        'Removing stale lock file /vz/lock/105.lck\nStopping container ...\nContainer was stopped\nContainer is unmounted\n',
      stderr: '',
    });
    expect(existsSync(join(sim.dir, 'vz/lock/105.lck'))).toBe(false);
  });
});

describe('vzlist', () => {
  const JSON_KEYS = [
    'ctid',
    'veid',
    'vpsid',
    'private',
    'root',
    'mount_opts',
    'origin_sample',
    'hostname',
    'name',
    'smart_name',
    'description',
    'ostemplate',
    'ip',
    'nameserver',
    'searchdomain',
    'status',
    'kmemsize',
    'lockedpages',
    'privvmpages',
    'shmpages',
    'numproc',
    'physpages',
    'vmguarpages',
    'oomguarpages',
    'numtcpsock',
    'numflock',
    'numpty',
    'numsiginfo',
    'tcpsndbuf',
    'tcprcvbuf',
    'othersockbuf',
    'dgramrcvbuf',
    'numothersock',
    'dcachesize',
    'numfile',
    'numiptent',
    'swappages',
    'diskspace',
    'diskinodes',
    'laverage',
    'uptime',
    'cpulimit',
    'cpuunits',
    'cpus',
    'ioprio',
    'iolimit',
    'iopslimit',
    'onboot',
    'bootorder',
    'layout',
    'features',
    'vswap',
    'disabled',
    'vm_overcommit',
    'netfilter',
    'capability',
  ];

  it('prints every CT as JSON with the exact layout, keys and types', async () => {
    const res = await vzlist('-a', '-j');
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toMatch(/^\[\n {2}\{\n {4}"ctid": 101,\n {4}"veid": 101,/);
    expect(res.stdout).toContain('\n    "physpages": {\n      "held": ');
    expect(res.stdout).toMatch(/\n {6}"failcnt": 0\n {4}\},\n {4}"vmguarpages": \{/);
    expect(res.stdout).toMatch(/\n {2}\},\n {2}\{\n {4}"ctid": 102,/);
    expect(res.stdout.endsWith('\n  }\n]\n')).toBe(true);
    const cts = JSON.parse(res.stdout) as ListedCt[];
    expect(Object.keys(cts[0] ?? {})).toEqual(JSON_KEYS);
    const web = cts.find((c) => c.ctid === 101) as ListedCt;
    const db = cts.find((c) => c.ctid === 102) as ListedCt;
    expect(web).toMatchObject({
      status: 'running',
      name: 'web1',
      smart_name: 'web1',
      hostname: 'web1.example.com',
      ip: ['10.0.0.101'],
      cpus: 2,
      onboot: null,
      layout: 'ploop',
      vswap: true,
      disabled: false,
      private: '/vz/private/101',
      origin_sample: 'vswap-1g',
      description: null,
      nameserver: [],
      mount_opts: null,
      netfilter: 'stateless',
    });
    expect(web.physpages).toMatchObject({ barrier: 0, limit: 262144, failcnt: 0 });
    expect(web.physpages.held).toBeGreaterThan(0);
    expect(web.physpages.held).toBeLessThanOrEqual(262144);
    expect(web.swappages.limit).toBe(524288);
    expect(web.kmemsize.limit).toBeGreaterThanOrEqual(2 ** 53);
    expect(web.diskspace).toMatchObject({ softlimit: 10485760, hardlimit: 10485760 });
    expect(web.laverage).toHaveLength(3);
    expect(typeof web.uptime).toBe('number');
    expect(web.cpuunits).toBe(1000);
    expect(db).toMatchObject({
      status: 'stopped',
      ip: [],
      hostname: null,
      cpus: 0,
      laverage: null,
      uptime: 0,
    });
    expect(db.physpages).toEqual({ held: 0, maxheld: 0, barrier: 0, limit: 524288, failcnt: 0 });
    expect(db.kmemsize).toEqual({ held: 0, maxheld: 0, barrier: 0, limit: 0, failcnt: 0 });
    expect(db.diskspace).toEqual({ usage: 0, softlimit: 20971520, hardlimit: 20971520 });
  });

  it('prints tables with fixed widths, `-` for missing values, and only running CTs by default', async () => {
    const [all, plain, running, cut, notrim] = await Promise.all([
      vzlist('-a', '101', '102'),
      vzlist('-a', '-H', '-o', 'ctid,status,hostname', '101', '102'),
      vzlist('-H', '-o', 'ctid'),
      vzlist('-H', '-o', 'private,physpages.l,physpages.f,cpus,layout', '101', '102'),
      vzlist('-a', '-t', '-o', 'hostname,ctid', '101'),
    ]);
    const nproc = (await listed('-o', 'numproc', '101'))[0]?.numproc.held;
    expect(all.stdout).toBe(
      '      CTID      NPROC STATUS    IP_ADDR         HOSTNAME\n' +
        `       101 ${String(nproc).padStart(10)} running   10.0.0.101      web1.example.com\n` +
        '       102          - stopped   -               -\n',
    );
    expect(plain.stdout).toBe('       101 running   web1.example.com\n       102 stopped   -\n');
    expect(running.stdout.split('\n').filter(Boolean).map(Number)).not.toContain(102);
    expect(running.stdout).toContain('       101\n');
    expect(cut.stdout).toBe(
      '/vz/private/101                      262144          0     2 ploop\n' +
        '/vz/private/102                      524288          -     - ploop\n',
    );
    expect(notrim.stdout).toBe(
      'HOSTNAME                               CTID\nweb1.example.com                        101\n',
    );
  });

  it('sorts, filters and reports empty results and bad fields like vzlist', async () => {
    const [sorted, unknownField, jsonSuffix, badSort, none, noneJson, filtered, badId] = await Promise.all([
      vzlist('-a', '-H', '-o', 'ctid', '-s', '-ctid', '101', '102', '103'),
      vzlist('-a', '-o', 'ctid,foo'),
      vzlist('-a', '-j', '-o', 'physpages.l'),
      vzlist('-s', 'nope'),
      vzlist('999'),
      vzlist('-j', '999'),
      vzlist('-a', '-j', '-h', 'nomatch*'),
      vzlist('no-such-ct'),
    ]);
    expect(sorted.stdout).toBe('       103\n       102\n       101\n');
    expect(out(unknownField)).toEqual({ code: 1, stdout: '', stderr: 'Unknown field: foo\n' });
    expect(out(jsonSuffix)).toEqual({
      code: 1,
      stdout: '',
      stderr: "Field `physpages.l' is not available in JSON output\n",
    });
    expect(out(badSort)).toEqual({ code: 1, stdout: '', stderr: 'Invalid sort field name: nope\n' });
    expect(out(none)).toEqual({ code: 1, stdout: '', stderr: 'Container(s) not found\n' });
    expect(out(noneJson)).toEqual({ code: 1, stdout: '[]\n', stderr: '' });
    expect(out(filtered)).toEqual({ code: 0, stdout: '[\n]\n', stderr: '' });
    expect(out(badId)).toEqual({ code: 1, stdout: '', stderr: 'CT ID no-such-ct is invalid.\n' });
  });
});

describe('set', () => {
  it('applies to a running CT live; --save also writes the config', async () => {
    expect(out(await vzctl('set', '109', '--ram', '2G', '--ipadd', '10.0.0.119', '--cpus', '2'))).toEqual({
      code: 0,
      stdout:
        'UB limits were set successfully\nAdding IP address(es): 10.0.0.119\nSetting CPUs: 2\n' +
        'WARNING: Settings were not saved to config and will be lost after CT restart (use --save flag)\n',
      stderr: '',
    });
    const [live] = await listed('-o', 'physpages,ip,cpus', '109');
    expect(live).toMatchObject({ ip: ['10.0.0.109', '10.0.0.119'], cpus: 2 });
    expect(live?.physpages.limit).toBe(524288);
    expect(await readFile(join(sim.dir, 'etc/vz/conf/109.conf'), 'utf8')).toContain('PHYSPAGES="0:65536"');

    expect(out(await vzctl('set', '109', '--ipdel', '10.0.0.119', '--cpulimit', '50', '--save'))).toEqual({
      code: 0,
      stdout:
        'Deleting IP address(es): 10.0.0.119\nSetting CPU limit: 50\nCT configuration saved to /etc/vz/conf/109.conf\n',
      stderr: '',
    });
    expect(await readFile(join(sim.dir, 'etc/vz/conf/109.conf'), 'utf8')).toContain('CPULIMIT="50"');
  });

  it('refuses runtime parameters on a stopped CT unless saved', async () => {
    const [ubc, cpu, net, host, saved] = await inTurn(
      ['set', '102', '--ram', '1G'],
      ['set', '102', '--cpus', '4'],
      ['set', '102', '--ipadd', '10.0.0.102'],
      ['set', '102', '--hostname', 'db1.example.com'],
      ['set', '103', '--ram', '1G', '--swap', '512M', '--cpus', '4', '--save'],
    );
    expect(out(ubc)).toEqual({
      code: 31,
      stdout: '',
      stderr: 'Unable to apply UBC parameters: container is not running\n',
    });
    expect(out(cpu)).toEqual({
      code: 31,
      stdout: '',
      stderr: 'Unable to apply CPU parameters: container is not running\n',
    });
    expect(out(net)).toEqual({
      code: 31,
      stdout: '',
      stderr: 'Unable to apply network parameters: container is not running\n',
    });
    expect(out(host)).toEqual({
      code: 0,
      stdout:
        'Unable to configure container: not running\nWARNING: Settings were not saved to config (use --save flag)\n',
      stderr: '',
    });
    expect(out(saved)).toEqual({
      code: 0,
      stdout: 'CT configuration saved to /etc/vz/conf/103.conf\n',
      stderr: '',
    });
    const conf = await readFile(join(sim.dir, 'etc/vz/conf/103.conf'), 'utf8');
    expect(conf).toContain('PHYSPAGES="0:262144"');
    expect(conf).toContain('SWAPPAGES="0:131072"');
    expect(conf).toContain('CPUS="4"');
  });

  it('guards --name and ploop --diskspace like vzctl', async () => {
    const [noSave, taken, diskNoSave, tooSmall, grow] = await inTurn(
      ['set', '102', '--name', 'x'],
      ['set', '102', '--name', 'web1', '--save'],
      ['set', '102', '--diskspace', '30G'],
      ['set', '102', '--diskspace', '100M', '--save'],
      ['set', '104', '--diskspace', '5G:6G', '--save'],
    );
    expect(out(noSave)).toEqual({
      code: 131,
      stdout: '',
      stderr: 'Error: unable to use --name option without --save\n',
    });
    expect(out(taken)).toEqual({
      code: 131,
      stdout: '',
      stderr: 'Conflict: name web1 already used by container 101\n',
    });
    expect(out(diskNoSave)).toEqual({
      code: 20,
      stdout: '',
      stderr: "Error: can't use --diskspace without --save for a ploop-based container\n",
    });
    expect(out(tooSmall).code).toBe(154);
    expect(out(tooSmall).stderr).toMatch(
      /^Failed to resize image: .* \[\d+\]\nError: failed to apply some parameters, not saving configuration file!\n$/,
    );
    expect(out(grow)).toEqual({
      code: 0,
      stdout: 'CT configuration saved to /etc/vz/conf/104.conf\n',
      stderr: '',
    });
    expect(await readFile(join(sim.dir, 'etc/vz/conf/104.conf'), 'utf8')).toContain(
      'DISKSPACE="5242880:6291456"',
    );
  });
});

describe('snapshots', () => {
  it('creates, lists, switches and deletes snapshots with vzctl output', async () => {
    const live = await vzctl('snapshot', '106', '--name', 'live');
    const liveId = /^Creating snapshot (\S+)\n/.exec(live.stdout)?.[1] ?? '';
    expect(liveId).toMatch(UUID_RE);
    expect(out(live)).toEqual({
      code: 0,
      stdout:
        `Creating snapshot ${liveId}\nSetting up checkpoint...\n\tsuspend...\n\tget context...\n` +
        'Checkpointing completed successfully\nSetting up checkpoint...\n\tjoin context..\n\tdump...\n' +
        `Checkpointing completed successfully\nResuming...\nSnapshot ${liveId} has been successfully created\n`,
      stderr: '',
    });
    await vzctl('stop', '106');
    const coldId = '{d7ce0485-dff1-a85a-4bf1-98a94bb131c5}';
    expect((await vzctl('snapshot', '106', '--id', coldId.slice(1, -1), '--name', 'cold')).stdout).toBe(
      `Creating snapshot ${coldId}\nSnapshot ${coldId} has been successfully created\n`,
    );

    const list = (await vzctl('snapshot-list', '106')).stdout.split('\n');
    expect(list[0]).toBe(
      `PARENT_UUID${' '.repeat(27)} C UUID${' '.repeat(34)} DATE${' '.repeat(15)} NAME${' '.repeat(28)}`,
    );
    expect(list[1]).toMatch(
      new RegExp(`^ {41}\\${liveId.slice(0, -1)}\\} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d live$`),
    );
    expect(list[2]).toMatch(
      new RegExp(`^\\${liveId.slice(0, -1)}\\} \\* \\${coldId.slice(0, -1)}\\} .{19} cold$`),
    );
    expect(list[3]).toBe('');

    const toLive = await vzctl('snapshot-switch', '106', '--id', liveId);
    expect(toLive.exitCode).toBe(0);
    expect(toLive.stdout).toMatch(
      new RegExp(
        `^Switching to snapshot \\${liveId.slice(0, -1)}\\}\nRestoring container \\.\\.\\.\n[\\s\\S]*Restoring completed successfully\nContainer has been successfully switched to another snapshot\n$`,
      ),
    );
    expect((await vzctl('status', '106')).stdout).toBe('CTID 106 exist mounted running\n');
    const toCold = await vzctl('snapshot-switch', '106', '--id', coldId);
    expect(toCold.stdout).toContain(
      'Killing...\nContainer is unmounted\nContainer has been successfully switched',
    );
    expect((await vzctl('status', '106')).stdout).toBe('CTID 106 exist unmounted down\n');

    expect(out(await vzctl('snapshot-delete', '106', '--id', liveId))).toEqual({
      code: 0,
      stdout: `Deleting snapshot ${liveId}\nSnapshot ${liveId} has been successfully deleted\n`,
      stderr: '',
    });
    const after = await vzctl('snapshot-list', '106', '-H', '-o', 'parent_uuid,current,uuid');
    expect(after.stdout).toBe(`${' '.repeat(38)} * ${coldId}\n`);
  });

  it('reports unknown ids, missing ids and simfs CTs with the snapshot exit codes', async () => {
    const unknown = '{00000000-0000-0000-0000-000000000000}';
    const [sw, del, noId, simfs, badId, empty] = await inTurn(
      ['snapshot-switch', '106', '--id', unknown],
      ['snapshot-delete', '106', '--id', unknown],
      ['snapshot-switch', '106'],
      ['snapshot', '103'],
      ['snapshot', '106', '--id', 'not-a-uuid'],
      ['snapshot-list', '102'],
    );
    expect(out(sw)).toEqual({
      code: 159,
      stdout: '',
      stderr: `Unable to find snapshot by uuid ${unknown}\nFailed to switch to snapshot ${unknown}\n`,
    });
    expect(out(del)).toEqual({
      code: 158,
      stdout: '',
      stderr: `Unable to find snapshot by uuid ${unknown}\nFailed to delete snapshot ${unknown}\n`,
    });
    expect(out(noId)).toEqual({ code: 20, stdout: '', stderr: 'Invalid syntax: snapshot id is missing\n' });
    expect(out(simfs)).toEqual({
      code: 156,
      stdout: '',
      stderr: 'Snapshot feature is only available for ploop-based CTs\n',
    });
    expect(out(badId)).toEqual({ code: 21, stdout: '', stderr: 'Bad parameter for --id: not-a-uuid\n' });
    expect(out(empty).stdout).toBe(
      `PARENT_UUID${' '.repeat(27)} C UUID${' '.repeat(34)} DATE${' '.repeat(15)} NAME${' '.repeat(28)}\n`,
    );
  });
});

describe('suspend and resume', () => {
  it('dumps a running CT, shows it suspended, and restores it', async () => {
    expect(out(await vzctl('suspend', '107'))).toEqual({
      code: 0,
      stdout:
        'Setting up checkpoint...\n\tsuspend...\n\tdump...\n\tkill...\nCheckpointing completed successfully\n' +
        'Container is unmounted\n',
      stderr: '',
    });
    expect(existsSync(join(sim.dir, 'vz/dump/Dump.107'))).toBe(true);
    expect((await vzctl('status', '107')).stdout).toBe('CTID 107 exist unmounted down suspended\n');
    expect((await vzlist('-H', '-o', 'status', '107')).stdout).toBe('suspended\n');
    expect(out(await vzctl('suspend', '107'))).toEqual({
      code: 31,
      stdout: '',
      stderr: 'Unable to setup checkpointing: container is not running\n',
    });
    expect(out(await vzctl('resume', '107'))).toEqual({
      code: 0,
      stdout:
        'Restoring container ...\nContainer is mounted\n\tundump...\nAdding IP address(es): 10.0.0.107\n' +
        '\tresume...\nRestoring completed successfully\n',
      stderr: '',
    });
    expect(existsSync(join(sim.dir, 'vz/dump/Dump.107'))).toBe(false);
    expect(out(await vzctl('resume', '107'))).toEqual({
      code: 32,
      stdout: '',
      stderr: 'Unable to perform restore: container already running\n',
    });
  });
});

describe('the proc tree and simulation hooks', () => {
  it('writes meminfo, cpuinfo, user_beancounters, bc/resources and veinfo in kernel format', async () => {
    const [meminfo, cpuinfo, ubc, res, veinfo] = await Promise.all([
      proc('meminfo'),
      proc('cpuinfo'),
      proc('user_beancounters'),
      proc('bc/resources'),
      proc('vz/veinfo'),
    ]);
    expect(meminfo.split('\n')[0]).toBe('MemTotal:       16777216 kB');
    expect(meminfo).toMatch(/\nSwapTotal: {7}8388608 kB\n/);
    expect(meminfo).toMatch(/\nMemFree: +\d+ kB\n/);
    expect(cpuinfo.match(/^processor\t: \d+$/gm)).toHaveLength(8);
    expect(cpuinfo).toContain('bogomips\t: ');
    const lines = ubc.split('\n');
    expect(lines[0]).toBe('Version: 2.5');
    expect(lines[1]).toBe(
      '       uid  resource                     held              maxheld              barrier                limit              failcnt',
    );
    const running = (await vzlist('-H', '-o', 'ctid')).stdout.trim().split(/\s+/).map(Number);
    const heads = lines.filter((l) => /^ +\d+: {2}kmemsize /.test(l)).map((l) => Number.parseInt(l, 10));
    expect(heads.sort((a, b) => a - b)).toEqual([0, ...running].sort((a, b) => a - b));
    expect(lines.filter(Boolean)).toHaveLength(2 + 24 * heads.length);
    expect(ubc).not.toContain('swappages');
    expect(ubc).toContain('            dummy                           0                    0');
    expect(res).toContain('            swappages ');
    expect(veinfo.split('\n')[0]).toMatch(/^ {9}0 {5}0 +\d+$/);
    expect(veinfo).toMatch(/\n {7}101 {5}0 +\d+ {6}10\.0\.0\.101\n/);
  });

  it('grows a failcnt that both user_beancounters and vzlist show', async () => {
    await ctl.bumpFailcnt(101, 'physpages', 5);
    const ubc = await proc('user_beancounters');
    const block = ubc.slice(ubc.indexOf('      101:  kmemsize'));
    expect(block).toMatch(/\n {12}physpages +(\d+) +\d+ +0 +262144 +5\n/);
    expect((await listed('-o', 'physpages', '101'))[0]?.physpages.failcnt).toBe(5);
    expect((await vzlist('-H', '-o', 'physpages.f', '101')).stdout).toBe('         5\n');
  });

  it('crashes a running CT silently: stopped, no beancounter, no IP in veinfo', async () => {
    expect(await ctl.isRunning(108)).toBe(true);
    await ctl.crash(108);
    expect(await ctl.isRunning(108)).toBe(false);
    expect((await vzctl('status', '108')).stdout).toBe('CTID 108 exist unmounted down\n');
    expect(await proc('user_beancounters')).not.toContain('      108:');
    expect(await proc('vz/veinfo')).not.toMatch(/^ +108 /m);
    expect((await vzlist('-H', '-o', 'status', '108')).stdout).toBe('stopped\n');
  });

  it('injects a start failure once, then starts normally', async () => {
    await ctl.inject({
      action: 'start',
      ctid: 108,
      exitCode: 6,
      stderr: 'Not enough resources to start environment',
    });
    expect(out(await vzctl('start', '108'))).toEqual({
      code: 6,
      stdout:
        'Starting container...\nContainer is mounted\nKilling container ...\nContainer was stopped\nContainer is unmounted\n',
      stderr:
        'Not enough resources to start environment\n' +
        'Container start failed (try to check kernel messages, e.g. "dmesg | tail")\n',
    });
    expect((await vzctl('start', '108')).exitCode).toBe(0);
    expect(await ctl.isRunning(108)).toBe(true);
  });

  it('offers the same hooks through the vzsim executable', async () => {
    expect(
      (await run(sim.vzsim, ['inject', 'stop', '108', '33', 'Unable to stop container: operation timed out']))
        .exitCode,
    ).toBe(0);
    expect(out(await vzctl('stop', '108'))).toEqual({
      code: 33,
      stdout: 'Stopping container ...\n',
      stderr: 'Unable to stop container: operation timed out\n',
    });
    expect((await run(sim.vzsim, ['crash', '108'])).exitCode).toBe(0);
    expect((await vzctl('status', '108')).stdout).toBe('CTID 108 exist unmounted down\n');
    const refused = await run(sim.vzsim, ['crash', '108']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe('vzsim: CT 108 is not running\n');
  });
});
