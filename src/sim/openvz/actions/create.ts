/** create and destroy: the config file, the private area and the sample/template checks. */
import * as fs from 'node:fs';
import { ConfFile } from '../conf-file.js';
import { findByName, normalizeConf, readGlobalConf, writeConf } from '../ct-config.js';
import { atomicWrite, exists, isNonEmptyDir, readText, removeQuietly } from '../fsutil.js';
import { deleteKernel, loadKernel } from '../kernel.js';
import { emit, type Line } from '../log.js';
import { type Host, vpath } from '../paths.js';
import type { CreateParams } from '../set-args.js';
import { parseKb, parsePair } from '../units.js';
import { type Ctx, delayOf, injected, ruleLines } from './common.js';

const CREATE_FAILED = 'Creation of container private area failed';

function fail(ctx: Ctx, code: number, ...errors: string[]): number {
  for (const e of errors) ctx.log.error(e);
  ctx.log.error(CREATE_FAILED);
  return code;
}

/** The config to start from: the sample (new CT) or the existing file; a number is an exit code. */
function baseConfig(ctx: Ctx, p: CreateParams): ConfFile | number {
  const { host, log } = ctx;
  const name = p.config ?? readGlobalConf(host).get('CONFIGFILE') ?? 'vswap-256m';
  const sample = vpath.sample(name);
  if (p.config !== undefined || !ctx.conf) {
    const text = readText(host.real(sample));
    if (text === undefined) {
      const extra = p.config === undefined ? ['Fix the value of CONFIGFILE in /etc/vz/vz.conf'] : [];
      return fail(ctx, 82, `Sample config ${sample} not found: No such file or directory`, ...extra);
    }
    if (ctx.conf) {
      const msg = `Error: container config file ${vpath.conf(ctx.ctid)} already exists, can not use --config option`;
      return fail(ctx, 82, msg);
    }
    const conf = ConfFile.parse(text);
    normalizeConf(conf);
    if (!conf.has('ORIGIN_SAMPLE')) conf.set('ORIGIN_SAMPLE', name);
    return conf;
  }
  log.info('Warning: CT config file already exists, not applying a default config sample.');
  log.info('It might lead to incomplete CT configuration, you can use --applyconfig to fix.');
  return ctx.conf.clone();
}

/** Finds the template tarball like fs_create does; undefined when none of the extensions exists. */
function findTemplate(ctx: Ctx, template: string): string | undefined {
  for (const ext of ['', '.gz', '.bz2', '.xz']) {
    const file = `${vpath.templateCache}/${template}.tar${ext}`;
    ctx.log.debug(`Looking for ${file}`);
    if (exists(ctx.host.real(file))) return file;
  }
  return undefined;
}

/** Lays out the private area: a ploop image directory or a plain simfs tree. */
export function makePrivateArea(
  host: Host,
  privatePath: string,
  layout: string,
  template: string,
  kb: number,
): void {
  const dir = host.real(privatePath);
  if (layout === 'ploop') {
    fs.mkdirSync(`${dir}/root.hdd`, { recursive: true });
    const xml = `<?xml version="1.0"?>\n<Parallels_disk_image Version="1.0">\n  <Disk_Parameters>\n    <Disk_size>${kb * 2}</Disk_size>\n  </Disk_Parameters>\n</Parallels_disk_image>\n`;
    atomicWrite(`${dir}/root.hdd/DiskDescriptor.xml`, xml);
    atomicWrite(`${dir}/root.hdd/root.hdd`, '');
  } else {
    fs.mkdirSync(`${dir}/etc`, { recursive: true });
    atomicWrite(`${dir}/etc/os-release`, `NAME="${template}"\n`);
  }
}

function applyCreateParams(conf: ConfFile, p: CreateParams, template: string, layout: string): void {
  conf.set('VE_ROOT', p.rootPath ?? '/vz/root/$VEID');
  conf.set('VE_PRIVATE', p.privatePath ?? '/vz/private/$VEID');
  conf.set('OSTEMPLATE', template);
  conf.set('VE_LAYOUT', layout);
  if (p.ipadd.length) conf.set('IP_ADDRESS', p.ipadd.join(' '));
  if (p.hostname !== undefined) conf.set('HOSTNAME', p.hostname);
  if (p.name !== undefined) conf.set('NAME', p.name);
  if (p.description !== undefined) conf.set('DESCRIPTION', p.description);
  if (p.diskspace) conf.set('DISKSPACE', `${p.diskspace[0]}:${p.diskspace[1]}`);
  if (p.diskinodes) conf.set('DISKINODES', `${p.diskinodes[0]}:${p.diskinodes[1]}`);
}

/** Assigns --name unless another CT has it; a number is the exit code. */
function assignName(ctx: Ctx, name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const owner = findByName(ctx.host, name);
  if (owner !== undefined && owner !== ctx.ctid) {
    return fail(ctx, 131, `Conflict: name ${name} already used by container ${owner}`);
  }
  ctx.log.info(`Name ${name} assigned`);
  return undefined;
}

/** What a successful create prints (ploop adds the image line). */
function creationLines(ctx: Ctx, privatePath: string, layout: string, template: string, kb: number): Line[] {
  const image =
    layout === 'ploop' ? [`Creating image: ${privatePath}.tmp/root.hdd/root.hdd size=${kb}K`] : [];
  return [
    ...image,
    `Creating container private area (${template})`,
    'Performing postcreate actions',
    `CT configuration saved to ${vpath.conf(ctx.ctid)}`,
    'Container private area was created',
  ];
}

export async function create(ctx: Ctx, p: CreateParams): Promise<number> {
  const { host, ctid } = ctx;
  const global = readGlobalConf(host);
  const conf = baseConfig(ctx, p);
  if (typeof conf === 'number') return conf;
  const privatePath = (p.privatePath ?? conf.get('VE_PRIVATE') ?? vpath.private(ctid)).replaceAll(
    '$VEID',
    `${ctid}`,
  );
  if (isNonEmptyDir(host.real(privatePath)))
    return fail(ctx, 44, `Private area already exists in ${privatePath}`);
  const layout = p.layout ?? conf.get('VE_LAYOUT') ?? global.get('VE_LAYOUT') ?? 'ploop';
  const nameError = assignName(ctx, p.name);
  if (nameError !== undefined) return nameError;
  const template =
    p.ostemplate ?? conf.get('OSTEMPLATE') ?? global.get('DEF_OSTEMPLATE') ?? 'centos-7-x86_64';
  const kb = (p.diskspace ?? parsePair(conf.get('DISKSPACE') ?? '', parseKb))?.[1] ?? 0;
  if (layout === 'ploop' && kb <= 0) return fail(ctx, 63, 'Error: diskspace not set (required for ploop)');
  if (!findTemplate(ctx, template)) {
    return fail(ctx, 91, `Cached OS template ${vpath.templateCache}/${template}.tar[.gz|.bz2|.xz] not found`);
  }
  const rule = injected(ctx);
  if (rule) {
    await emit(ctx.log, [...ruleLines(rule), { err: CREATE_FAILED }], delayOf(ctx));
    return rule.exitCode;
  }
  await emit(ctx.log, creationLines(ctx, privatePath, layout, template, kb), delayOf(ctx));
  applyCreateParams(conf, p, template, layout);
  makePrivateArea(host, privatePath, layout, template, kb);
  fs.mkdirSync(host.real(vpath.root(ctid)), { recursive: true });
  writeConf(host, ctid, conf);
  return 0;
}

export async function destroy(ctx: Ctx): Promise<number> {
  const { host, ctid, log } = ctx;
  const k = loadKernel(host, ctid);
  if (k?.running) {
    log.info('Container is currently running. Stop it first.');
    return 32;
  }
  if (k?.mounted) {
    log.info('Container is currently mounted (umount first)');
    return 41;
  }
  const privatePath = (ctx.conf?.get('VE_PRIVATE') ?? vpath.private(ctid)).replaceAll('$VEID', String(ctid));
  const rule = injected(ctx);
  if (rule) {
    await emit(log, [`Destroying container private area: ${privatePath}`, ...ruleLines(rule)], delayOf(ctx));
    return rule.exitCode;
  }
  await emit(
    log,
    [`Destroying container private area: ${privatePath}`, 'Container private area was destroyed'],
    delayOf(ctx),
  );
  removeQuietly(host.real(privatePath));
  removeQuietly(host.real(vpath.root(ctid)));
  removeQuietly(host.real(vpath.dump(ctid)));
  deleteKernel(host, ctid);
  const conf = host.real(vpath.conf(ctid));
  if (exists(conf)) fs.renameSync(conf, `${conf}.destroyed`);
  return 0;
}
