/**
 * The per-CT lock of vzctl (lib/lock.c): `<LOCKDIR>/<CTID>.lck` holding "<pid>\n<status>\n",
 * created with link() so it appears atomically with its content; a dead holder's lock is stale.
 */
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { pidAlive, readText, sleepSync } from './fsutil.js';
import type { Logger } from './log.js';
import { type Host, vpath } from './paths.js';

export type LockOutcome = 'locked' | 'busy' | 'error';

/** The command line of a process as the real tool shows it, without the node interpreter. */
function cmdlineOf(pid: number): string {
  const raw = readText(`/proc/${pid}/cmdline`);
  if (raw === undefined) return '';
  const parts = raw.split('\0').filter((p, i, all) => p !== '' || i < all.length - 1);
  // Our executables run as "node <dir>/bin/vzctl ..."; a real vzctl has no interpreter in front.
  if (parts.length > 1 && /(^|\/)node(js)?$/.test(parts[0] ?? '')) parts.shift();
  return parts.join(' ');
}

/** Reads the holder's pid: -1 when the file cannot be read, 0 when its content is garbage. */
function lockPid(file: string): number {
  const text = readText(file);
  if (text === undefined) return -1;
  const pid = Number.parseInt(text, 10);
  return Number.isNaN(pid) ? 0 : pid;
}

/** Takes the lock of CT `id`, printing what vzctl prints about holders and stale files. */
export function lockCt(host: Host, id: number, log: Logger): LockOutcome {
  const lockfile = host.real(vpath.lock(id));
  fs.mkdirSync(dirname(lockfile), { recursive: true });
  const tmp = `${lockfile}${Math.random().toString(36).slice(2, 8)}`;
  fs.writeFileSync(tmp, `${process.pid}\n\n`);
  try {
    for (let retry = 0; retry < 3; retry++) {
      try {
        fs.linkSync(tmp, lockfile);
        return 'locked';
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = lockPid(lockfile);
      if (pid < 0) {
        sleepSync(20);
      } else if (pid === 0) {
        fs.rmSync(lockfile, { force: true });
      } else if (pidAlive(pid)) {
        log.error(`Locked by: pid ${pid}, cmdline ${cmdlineOf(pid)}`);
        return 'busy';
      } else {
        log.info(`Removing stale lock file ${vpath.lock(id)}`);
        fs.rmSync(lockfile, { force: true });
      }
    }
    return 'error';
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Releases the lock if this process still holds it. */
export function unlockCt(host: Host, id: number): void {
  const lockfile = host.real(vpath.lock(id));
  if (lockPid(lockfile) === process.pid) fs.rmSync(lockfile, { force: true });
}
