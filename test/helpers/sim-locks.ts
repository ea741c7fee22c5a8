/**
 * Who holds a container of the OpenVZ simulator: vzctl's lock file `<sim dir>/vz/lock/<ctid>.lck`
 * names its holder's pid. A test waits on this instead of guessing how long an action takes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the live vzctl holding CT `ctid`'s lock, or undefined when none does. */
export async function lockHolder(simDir: string, ctid: number | string): Promise<number | undefined> {
  const text = await readFile(join(simDir, 'vz/lock', `${ctid}.lck`), 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return pid && pidAlive(pid) ? pid : undefined;
}
