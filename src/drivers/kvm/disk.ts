/**
 * Disk images through qemu-img (exec.ts): the base image of a template, a new qcow2 overlay on
 * it, its virtual size, offline growth. Never used on the test driver, which has no disks.
 */
import { access, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { OpError } from '../../model/errors.js';
import { type ExecResult, run } from '../exec.js';
import { humanBytes } from '../human.js';
import type { KvmContext } from './context.js';
import { resolveInImageDir } from './validate.js';

/** The absolute path of a template's base image; TEMPLATE_NOT_FOUND when it is not on this host. */
export async function resolveBaseImage(k: KvmContext, template: string, image: string): Promise<string> {
  // Operators may keep base images anywhere (absolute path); a relative one lives in the image directory.
  const path = isAbsolute(image) ? image : resolveInImageDir(k.imageDir, image);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) {
    throw new OpError(
      'TEMPLATE_NOT_FOUND',
      `The base image of template ${template} (${path}) is not on this host.`,
    );
  }
  return path;
}

function firstLine(res: ExecResult): string {
  const text = res.stderr.trim() || res.stdout.trim();
  return (text.split('\n')[0] ?? '').replace(/^qemu-img: /, '').replace(/[.!]+$/, '');
}

function qemuImgError(res: ExecResult, doing: string): OpError {
  const line = firstLine(res);
  if (/No space left on device/i.test(line)) {
    return new OpError('NO_SPACE', `The host ran out of disk space while ${doing}.`, { detail: res.stderr });
  }
  return new OpError(
    'HYPERVISOR',
    `qemu-img failed while ${doing}: ${line || `exit code ${res.exitCode}`}.`,
    {
      detail: res.stderr,
    },
  );
}

async function qemuImg(
  k: KvmContext,
  args: string[],
  doing: string,
  signal?: AbortSignal,
): Promise<ExecResult> {
  const res = await run(k.qemuImg, args, { timeoutMs: k.commandTimeoutMs, ...(signal ? { signal } : {}) });
  k.log.debug(
    { cmd: 'qemu-img', args, exitCode: res.exitCode, ms: Math.round(res.durationMs) },
    'qemu-img finished',
  );
  if (res.exitCode !== 0) throw qemuImgError(res, doing);
  return res;
}

/** Virtual size of an image in bytes (`-U`: the base is open read-only by running guests). */
export async function virtualSize(k: KvmContext, path: string, signal?: AbortSignal): Promise<number> {
  const res = await qemuImg(k, ['info', '-U', '--output=json', path], `reading ${path}`, signal);
  const size = (JSON.parse(res.stdout) as { 'virtual-size'?: unknown })['virtual-size'];
  if (typeof size !== 'number') {
    throw new OpError('HYPERVISOR', `qemu-img info printed no virtual size for ${path}.`, {
      detail: res.stdout,
    });
  }
  return size;
}

export interface OverlaySpec {
  base: string;
  path: string;
  bytes: number;
  guest: string;
  signal?: AbortSignal | undefined;
}

/** `qemu-img create -f qcow2 -b BASE -F qcow2 PATH SIZE`, refusing to overwrite or to shrink the base. */
export async function createOverlay(k: KvmContext, o: OverlaySpec): Promise<void> {
  const baseSize = await virtualSize(k, o.base, o.signal);
  if (o.bytes < baseSize) {
    throw new OpError(
      'BAD_INPUT',
      `The disk of ${o.guest} must be at least ${humanBytes(baseSize)}, the size of its template's image.`,
    );
  }
  const exists = await access(o.path).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new OpError(
      'ALREADY_EXISTS',
      `A disk image ${o.path} already exists; remove it or pick another name for the guest.`,
    );
  }
  const args = ['create', '-q', '-f', 'qcow2', '-b', o.base, '-F', 'qcow2', o.path, String(o.bytes)];
  await qemuImg(k, args, `creating the disk of ${o.guest}`, o.signal);
}

/** Grows an image that no running guest has open. */
export async function growOffline(
  k: KvmContext,
  path: string,
  bytes: number,
  guest: string,
  signal?: AbortSignal,
) {
  await qemuImg(
    k,
    ['resize', '-q', '-f', 'qcow2', path, String(bytes)],
    `growing the disk of ${guest}`,
    signal,
  );
}
