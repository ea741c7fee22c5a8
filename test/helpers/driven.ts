/** Drives a real process through stdin and waits for what it prints (no sleeps, no mocks). */
import { execa, type ResultPromise } from 'execa';

export interface Driven {
  send(line: string): void;
  /** Resolves with the match once the output since the last mark matches; fails after timeoutMs. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Everything printed so far. */
  readonly output: string;
  /** Starts a new window for waitFor (earlier output is not searched). */
  mark(): void;
  exit: ResultPromise;
}

export function drive(file: string, args: string[], env: Record<string, string> = {}): Driven {
  const child = execa(file, args, { stdin: 'pipe', all: true, reject: false, env, buffer: false });
  let out = '';
  let from = 0;
  const listeners = new Set<() => void>();
  child.all?.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  return {
    exit: child,
    get output() {
      return out;
    },
    mark() {
      from = out.length;
    },
    send(line: string) {
      child.stdin?.write(`${line}\n`);
    },
    waitFor(re: RegExp, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.slice(from).match(re);
          if (!m) return false;
          listeners.delete(check as never);
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check as never);
          reject(new Error(`timed out waiting for ${re}; output since mark:\n${out.slice(from)}`));
        }, timeoutMs);
        if (!check()) listeners.add(check as never);
      });
    },
  };
}
