/**
 * `vzctl set`: validation order, the stopped/running split, --save vs the WARNING lines,
 * and ploop disk resizing, with the exit codes of vzctl 4.x.
 */
import { ConfFile } from '../conf-file.js';
import { type CtConfig, ctConfig, findByName, writeConf } from '../ct-config.js';
import { loadKernel } from '../kernel.js';
import { emit } from '../log.js';
import { vpath } from '../paths.js';
import type { SetParams } from '../set-args.js';
import { diskUsageKb } from '../ubc.js';
import { type Ctx, commitKernel, delayOf, injected, ipInUse, ruleLines } from './common.js';
import { applyToConf, applyToKernel, runningLines } from './set-apply.js';

const NOT_SAVING = 'Error: failed to apply some parameters, not saving configuration file!';

/** Checks that do not depend on the CT state; returns an exit code when one fails. */
function precheck(ctx: Ctx, p: SetParams): number | undefined {
  const needSave: [boolean, string][] = [
    [p.ostemplate !== undefined, 'ostemplate'],
    [p.force, 'force'],
    [p.stopTimeout !== undefined, 'stop-timeout'],
  ];
  for (const [given, opt] of needSave) {
    if (given && !p.save) {
      ctx.log.error(`Error: unable to use --${opt} option without --save`);
      return 20;
    }
  }
  if (p.name === undefined) return undefined;
  if (!p.save) {
    ctx.log.error('Error: unable to use --name option without --save');
    return 131;
  }
  const owner = findByName(ctx.host, p.name);
  if (owner !== undefined && owner !== ctx.ctid) {
    ctx.log.error(`Conflict: name ${p.name} already used by container ${owner}`);
    return 131;
  }
  ctx.log.info(`Name ${p.name} assigned`);
  return undefined;
}

/** ploop images are resized by `set --diskspace`, which needs --save and room for the data. */
function diskCheck(ctx: Ctx, cfg: CtConfig, p: SetParams): number | undefined {
  if (cfg.layout !== 'ploop' || !ctx.conf) return undefined;
  if (p.diskspace) {
    if (!p.save) {
      ctx.log.error("Error: can't use --diskspace without --save for a ploop-based container");
      return 20;
    }
    const used = diskUsageKb(ctx.ctid, cfg.diskspace?.[1] ?? p.diskspace[1]);
    if (p.diskspace[1] < used) {
      ctx.log.error(
        `Failed to resize image: Unable to resize ${cfg.privatePath}/root.hdd: requested size ${p.diskspace[1]}K is less than the space in use ${used}K [38]`,
      );
      ctx.log.error(NOT_SAVING);
      return 154;
    }
  }
  if (p.diskinodes) ctx.log.info('Warning: --diskinodes is ignored for ploop-based container');
  return undefined;
}

function save(ctx: Ctx, cfg: CtConfig, p: SetParams): number {
  const file = vpath.conf(ctx.ctid);
  if (!ctx.conf) ctx.log.error(`WARNING: ${file} not found: No such file or directory`);
  const conf = ctx.conf?.clone() ?? ConfFile.empty();
  applyToConf(conf, cfg, p);
  writeConf(ctx.host, ctx.ctid, conf);
  ctx.log.info(`CT configuration saved to ${file}`);
  return 0;
}

/** A stopped CT without --save: runtime-only parameters cannot be applied. */
function stoppedNoSave(ctx: Ctx, p: SetParams): number {
  const refuse: [boolean, string][] = [
    [Object.keys(p.ubc).length > 0, 'Unable to apply UBC parameters: container is not running'],
    [p.ipadd.length + p.ipdel.length > 0, 'Unable to apply network parameters: container is not running'],
    [
      p.cpus !== undefined || p.cpulimit !== undefined || p.cpuunits !== undefined,
      'Unable to apply CPU parameters: container is not running',
    ],
  ];
  for (const [given, msg] of refuse) {
    if (given) {
      ctx.log.error(msg);
      return 31;
    }
  }
  if (p.hostname !== undefined || p.nameservers || p.searchdomains) {
    ctx.log.info('Unable to configure container: not running');
  }
  ctx.log.info('WARNING: Settings were not saved to config (use --save flag)');
  return 0;
}

async function running(ctx: Ctx, cfg: CtConfig, p: SetParams): Promise<number> {
  const k = loadKernel(ctx.host, ctx.ctid);
  if (!k) return 31;
  const clash = ipInUse(ctx.host, ctx.ctid, p.ipadd);
  const lines = runningLines(k, p);
  if (clash) {
    await emit(
      ctx.log,
      lines.filter((l) => !l.startsWith('Adding IP')),
      delayOf(ctx),
    );
    ctx.log.error(`Unable to add IP ${clash}: Address already in use`);
    if (p.save) ctx.log.error(NOT_SAVING);
    return 78;
  }
  await emit(ctx.log, lines, delayOf(ctx));
  commitKernel(ctx.host, ctx.ctid, applyToKernel(k, cfg, p));
  if (p.save) return save(ctx, cfg, p);
  ctx.log.info(
    'WARNING: Settings were not saved to config and will be lost after CT restart (use --save flag)',
  );
  return 0;
}

export async function set(ctx: Ctx, p: SetParams): Promise<number> {
  // CT0 takes host-wide UBC/CPU settings; the simulated host accepts them silently.
  if (ctx.ctid === 0) return 0;
  const cfg = ctConfig(ctx.host, ctx.ctid, ctx.conf ?? ConfFile.empty());
  const early = precheck(ctx, p) ?? diskCheck(ctx, cfg, p);
  if (early !== undefined) return early;
  const rule = injected(ctx);
  if (rule) {
    await emit(ctx.log, ruleLines(rule), delayOf(ctx));
    if (p.save) ctx.log.error(NOT_SAVING);
    return rule.exitCode;
  }
  const isRunning = loadKernel(ctx.host, ctx.ctid)?.running === true;
  if (isRunning) return running(ctx, cfg, p);
  if (p.save) {
    await emit(ctx.log, [], delayOf(ctx));
    return save(ctx, cfg, p);
  }
  return stoppedNoSave(ctx, p);
}
