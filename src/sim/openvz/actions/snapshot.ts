/** snapshot, snapshot-switch and snapshot-delete (vzctl 4.x, ploop only). */
import * as fs from 'node:fs';
import { ConfFile } from '../conf-file.js';
import { writeConf } from '../ct-config.js';
import { atomicWrite, exists, readText, removeQuietly } from '../fsutil.js';
import { encodeKernel, loadKernel, stoppedKernel } from '../kernel.js';
import { emit, type Line } from '../log.js';
import {
  localDate,
  newGuid,
  readTree,
  removeFromTree,
  snapshotConf,
  snapshotDump,
  writeTree,
} from '../snapshot-store.js';
import type { SnapshotParams } from '../vzctl-args.js';
import { restoreFrom } from './checkpoint.js';
import { type Ctx, cfgOf, commitKernel, delayOf, failWith, injected } from './common.js';

const PLOOP_ONLY = 'Snapshot feature is only available for ploop-based CTs';
const FREEZE = [
  'Setting up checkpoint...',
  '\tsuspend...',
  '\tget context...',
  'Checkpointing completed successfully',
];

/** The CT's private area if it is on ploop; otherwise prints why not and returns undefined. */
function ploopPrivate(ctx: Ctx): string | undefined {
  const cfg = cfgOf(ctx);
  if (cfg.layout === 'ploop') return cfg.privatePath;
  ctx.log.error(PLOOP_ONLY);
  return undefined;
}

export async function snapshotCreate(ctx: Ctx, p: SnapshotParams): Promise<number> {
  const priv = ploopPrivate(ctx);
  if (priv === undefined) return 156;
  const guid = p.id ?? newGuid();
  const tree = readTree(ctx.host, priv) ?? [];
  if (tree.some((s) => s.guid === guid)) {
    ctx.log.error(`Invalid guid ${guid} specified: already exists`);
    ctx.log.error('Failed to create snapshot');
    return 156;
  }
  const rule = injected(ctx);
  if (rule) return failWith(ctx, [`Creating snapshot ${guid}`], rule);
  const k = loadKernel(ctx.host, ctx.ctid);
  const live = !p.skipSuspend && k?.running === true;
  const dumpLines = [
    'Setting up checkpoint...',
    '\tjoin context..',
    '\tdump...',
    'Checkpointing completed successfully',
  ];
  const lines: Line[] = [
    `Creating snapshot ${guid}`,
    ...(live ? [...FREEZE, ...dumpLines, 'Resuming...'] : []),
  ];
  lines.push(`Snapshot ${guid} has been successfully created`);
  await emit(ctx.log, lines, delayOf(ctx));
  if (!p.skipConfig) atomicWrite(ctx.host.real(snapshotConf(priv, guid)), ctx.conf?.toString() ?? '');
  if (live && k) atomicWrite(ctx.host.real(snapshotDump(priv, guid)), encodeKernel(k));
  const parent = tree.find((s) => s.current)?.guid ?? '';
  const entry = {
    guid,
    parent,
    name: p.name ?? '',
    desc: p.description ?? '',
    date: localDate(),
    current: true,
  };
  writeTree(ctx.host, priv, [...tree.map((s) => ({ ...s, current: false })), entry]);
  return 0;
}

/** Puts back the config saved with the snapshot, so limits and IPs are those of that moment. */
function restoreConfig(ctx: Ctx, priv: string, guid: string): void {
  const saved = readText(ctx.host.real(snapshotConf(priv, guid)));
  if (!saved) return;
  ctx.conf = ConfFile.parse(saved);
  writeConf(ctx.host, ctx.ctid, ctx.conf);
}

export async function snapshotSwitch(ctx: Ctx, p: SnapshotParams): Promise<number> {
  const guid = p.id ?? '';
  const priv = ploopPrivate(ctx);
  if (priv === undefined) return 159;
  const tree = readTree(ctx.host, priv);
  const hasDump = exists(ctx.host.real(snapshotDump(priv, guid)));
  const problem = !tree?.some((s) => s.guid === guid)
    ? `Unable to find snapshot by uuid ${guid}`
    : p.mustResume && !hasDump
      ? 'Error: no dump in snapshot, unable to resume'
      : undefined;
  if (!tree || problem) {
    if (problem) ctx.log.error(problem);
    // Without any snapshot vzctl returns right after the first message.
    if (tree) ctx.log.error(`Failed to switch to snapshot ${guid}`);
    return 159;
  }
  const rule = injected(ctx);
  if (rule) return failWith(ctx, [`Switching to snapshot ${guid}`], rule);
  const k = loadKernel(ctx.host, ctx.ctid);
  const lines: Line[] = [`Switching to snapshot ${guid}`];
  if (k?.running) lines.push(...FREEZE, 'Killing...', 'Container is unmounted');
  else if (k?.mounted) lines.push('Container is unmounted');
  await emit(ctx.log, lines, delayOf(ctx));
  if (!p.skipConfig) restoreConfig(ctx, priv, guid);
  if (k) commitKernel(ctx.host, ctx.ctid, stoppedKernel(k, false));
  writeTree(
    ctx.host,
    priv,
    tree.map((s) => ({ ...s, current: s.guid === guid })),
  );
  if (hasDump && !p.skipResume) await restoreFrom(ctx, snapshotDump(priv, guid), 'snapshot-switch');
  ctx.log.info('Container has been successfully switched to another snapshot');
  return 0;
}

export async function snapshotDelete(ctx: Ctx, p: SnapshotParams): Promise<number> {
  const guid = p.id ?? '';
  const priv = ploopPrivate(ctx);
  if (priv === undefined) return 158;
  const tree = readTree(ctx.host, priv);
  if (!tree?.some((s) => s.guid === guid)) {
    ctx.log.error(`Unable to find snapshot by uuid ${guid}`);
    // Without any snapshot vzctl returns right after the first message.
    if (tree) ctx.log.error(`Failed to delete snapshot ${guid}`);
    return 158;
  }
  const rule = injected(ctx);
  if (rule) return failWith(ctx, [`Deleting snapshot ${guid}`], rule);
  await emit(
    ctx.log,
    [`Deleting snapshot ${guid}`, `Snapshot ${guid} has been successfully deleted`],
    delayOf(ctx),
  );
  writeTree(ctx.host, priv, removeFromTree(tree, guid));
  removeQuietly(ctx.host.real(snapshotDump(priv, guid)));
  fs.rmSync(ctx.host.real(snapshotConf(priv, guid)), { force: true });
  return 0;
}
