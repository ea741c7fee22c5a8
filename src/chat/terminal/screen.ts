/**
 * Output for the terminal adapter. On a TTY a job's message is redrawn in place while it is the
 * last thing on screen, and asynchronous output never tramples the line being typed.
 * Elsewhere (pipes, tests) every change is printed as new lines.
 */
import type { Interface } from 'node:readline';

export class Screen {
  private lastKey: string | undefined;
  private lastLines = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
    private rl?: Interface,
  ) {}

  attach(rl: Interface): void {
    this.rl = rl;
  }

  /** Prints text; with a key, a later print with the same key replaces it while nothing came between. */
  print(text: string, key?: string): void {
    const lines = text.split('\n');
    if (this.tty) {
      let seq = '\r\x1b[2K';
      if (key !== undefined && key === this.lastKey && this.lastLines > 0) {
        seq += `\x1b[${this.lastLines}A\r\x1b[0J`;
      }
      this.out.write(`${seq}${text}\n`);
      this.rl?.prompt(true);
    } else {
      this.out.write(`${text}\n`);
    }
    this.lastKey = key;
    this.lastLines = lines.length;
  }

  /** The user pressed enter: whatever is printed next starts a new block. */
  newInput(): void {
    this.lastKey = undefined;
    this.lastLines = 0;
  }
}
