/** Small synchronous file helpers: the CLIs are short-lived, so sync I/O keeps them simple and fast. */
import * as fs from 'node:fs';
import { dirname } from 'node:path';

/** Writes a file so readers never see half of it (temp file + rename). */
export function atomicWrite(file: string, data: string): void {
  fs.mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** File contents, or undefined when it does not exist. */
export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Parsed JSON, or undefined when the file does not exist or is damaged. */
export function readJson<T>(file: string): T | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export function exists(path: string): boolean {
  return fs.existsSync(path);
}

export function isNonEmptyDir(path: string): boolean {
  try {
    return fs.readdirSync(path).length > 0;
  } catch {
    return false;
  }
}

export function removeQuietly(path: string): void {
  fs.rmSync(path, { recursive: true, force: true });
}

/** Blocks the thread; used only while spinning on a mutex held for a few milliseconds. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Like vzctl's stat("/proc/<pid>"): a pid we may not signal still exists. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const MUTEX_WAIT_MS = 5_000;

/**
 * Runs `fn` while holding an exclusive file mutex. Several simulator processes regenerate /proc
 * and consume injections concurrently; without this a slow writer could overwrite newer state.
 */
export function withMutex<T>(file: string, fn: () => T): T {
  fs.mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + MUTEX_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readText(file) ?? '', 10);
      // A crashed holder must not wedge the simulator; a stuck one is broken after the deadline.
      if ((!Number.isNaN(holder) && !pidAlive(holder)) || Date.now() > deadline)
        fs.rmSync(file, { force: true });
      else sleepSync(3);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
