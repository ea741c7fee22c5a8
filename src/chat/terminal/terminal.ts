/**
 * The terminal chat adapter: a prompt where one types `/vps …` as a user (`/as bob` switches).
 * Replies are rendered from the same Block Kit the Slack adapter sends; job messages update in place.
 */
import { createInterface, type Interface } from 'node:readline';
import type { ChatAdapter } from '../../bot/adapter.js';
import type { AlertEvent } from '../../bot/alerts/manager.js';
import type { Pipeline } from '../../bot/pipeline/pipeline.js';
import { toOpError } from '../../model/errors.js';
import type { ApprovalNotice, GuestNotice, JobNotice } from '../../store/notify.js';
import { alertBlocks } from '../view/alert-card.js';
import { approvalBlocks } from '../view/approval-card.js';
import { isFinal, type JobView, jobBlocks } from '../view/job-message.js';
import { guestNoticeText } from '../view/messages.js';
import { replyBlocks } from '../view/reply.js';
import { renderBlocks } from '../view/text.js';
import { Screen } from './screen.js';

/** Extra slash commands the host program offers (the demo adds `/sim`). Return text to print. */
export type ExtraCommand = (args: string[]) => Promise<string>;

export interface TerminalOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  pipeline: Pipeline;
  user: string;
  channel?: string;
  tty?: boolean;
  extra?: Record<string, { help: string; run: ExtraCommand }>;
}

const USER_RE = /^[A-Za-z0-9._-]{1,64}$/;

export class TerminalChat implements ChatAdapter {
  readonly name = 'terminal';
  private user: string;
  private readonly screen: Screen;
  private rl: Interface | undefined;
  /** Jobs this terminal started; updates for other origins are not ours to show. */
  private readonly mine = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: TerminalOptions) {
    this.user = o.user;
    this.screen = new Screen(o.output, o.tty ?? false);
  }

  private get channel(): string {
    return this.o.channel ?? 'terminal';
  }

  /** A line from the program around the chat (not an answer to a command). */
  say(text: string): void {
    this.screen.print(text);
  }

  /** Runs the prompt until end of input, /quit or Ctrl-C. */
  run(): Promise<void> {
    const rl = createInterface({ input: this.o.input, output: this.o.output, terminal: this.o.tty ?? false });
    this.rl = rl;
    this.screen.attach(rl);
    rl.setPrompt(`${this.user}> `);
    this.screen.print('Type /vps help for commands, /as <user> to switch user, /quit to leave.');
    // Off a terminal (pipes, scripts) a prompt would only clutter the output.
    const prompt = () => (this.o.tty ? rl.prompt() : undefined);
    prompt();
    rl.on('line', (line) => {
      // Lines are handled one after another, so piped input keeps its order.
      this.queue = this.queue.then(() => this.onLine(line.trim())).then(prompt);
    });
    return new Promise((resolve) => {
      rl.on('SIGINT', () => rl.close());
      rl.on('close', () => void this.queue.then(resolve));
    });
  }

  /** Waits until every line typed so far has been handled (for piped input and tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async onLine(line: string): Promise<void> {
    this.screen.newInput();
    if (!line) return;
    try {
      if (line === '/quit' || line === '/exit') return void this.rl?.close();
      if (line.startsWith('/as')) return this.switchUser(line.slice(3).trim());
      if (line.startsWith('/vps')) return await this.command(line);
      const [name, ...rest] = line.split(/\s+/);
      const extra = this.o.extra?.[name!.slice(1)];
      if (extra) return this.screen.print(await extra.run(rest));
      const extras = Object.entries(this.o.extra ?? {}).map(([k, e]) => `/${k} (${e.help})`);
      this.screen.print(
        `Commands start with /vps (try /vps help); also /as <user>, ${[...extras, '/quit'].join(', ')}.`,
      );
    } catch (err) {
      this.screen.print(`❌ ${toOpError(err).userMessage}`);
    }
  }

  private switchUser(name: string): void {
    if (!USER_RE.test(name)) {
      this.screen.print('Usage: /as <user>  (letters, digits, ".", "_" and "-")');
      return;
    }
    this.user = name;
    this.rl?.setPrompt(`${this.user}> `);
    this.screen.print(`You are now ${name}.`);
  }

  private async command(line: string): Promise<void> {
    const reply = await this.o.pipeline.dispatch({
      text: line,
      user: this.user,
      channel: this.channel,
      origin: 'terminal',
    });
    if (reply.jobId) this.mine.add(reply.jobId);
    this.screen.print(renderBlocks(replyBlocks(reply)), reply.jobId);
  }

  async job(view: JobView, notice: JobNotice): Promise<void> {
    if (!this.mine.has(view.requestId)) return;
    const final = isFinal(view.phase);
    if (final) this.mine.delete(view.requestId);
    void notice;
    const blocks = jobBlocks(view);
    // Off a TTY every update is a new line, so print only the status line until the outcome.
    this.screen.print(renderBlocks(final || this.o.tty ? blocks : blocks.slice(0, 1)), view.requestId);
  }

  /** Approval cards are for everyone at the terminal: the approver may be the next /as user. */
  async approval(n: ApprovalNotice): Promise<void> {
    this.screen.print(renderBlocks(approvalBlocks(n.record)), `apr-${n.record.id}`);
  }

  /**
   * Alerts are for everyone at the terminal: the card when it opens, again marked "updated: …"
   * when something it shows changed, and resolved. The manager sends nothing for a mere repeat.
   */
  async alert(e: AlertEvent): Promise<void> {
    const body = renderBlocks(alertBlocks(e.state, Date.now()).filter((b) => b.type !== 'actions'));
    const note = e.change === 'updated' ? `updated: ${e.note ?? 'changed'}` : e.note;
    // The Start button of a crash, as the command it stands for.
    const start =
      e.state.status === 'open' && e.state.kind === 'crash' && e.state.guest
        ? `\n  ↳ /vps start ${e.state.guest}@${e.state.host} starts it again`
        : '';
    // Keyed by alert: on a TTY an update redraws the card in place while nothing came after it.
    this.screen.print(`${body}${note ? `\n  ↳ ${note}` : ''}${start}`, `alert:${e.state.fingerprint}`);
  }

  async guest(n: GuestNotice): Promise<void> {
    this.screen.print(guestNoticeText(n).replace('⚠️ ', '⚠️  '));
  }
}
