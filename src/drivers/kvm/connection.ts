/**
 * One long-lived libvirt connection through the binding. A call that fails because the connection
 * is gone (libvirtd restarted) reopens it, with backoff while libvirtd is still down, and is
 * retried once. Domain handles never outlive a call: each call looks its domain up again.
 */
import { OpError } from '../../model/errors.js';
import { humanDuration } from '../human.js';
import { type LvConnection, type LvDomain, loadBinding } from './binding.js';
import { type KvmAction, libvirtError } from './errors.js';
import { VIR_ERR } from './libvirt-codes.js';
import { type DriverLogger, isConnectionLost } from './virsh.js';

export interface ConnectionOptions {
  uri: string;
  logger: DriverLogger;
  /** Waits between attempts to (re)open the connection; its length is the number of retries. */
  backoffMs: readonly number[];
  /** Longest one binding call may take; the binding itself has no timeout. */
  callTimeoutMs: number;
  /** The binding's module specifier (tests point it at a module that does not exist). */
  bindingModule?: string;
}

/** libvirt errors reach us from the binding as plain strings or LibvirtError; this is their text. */
export function libvirtMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * A binding failure → OpError. The binding passes libvirt's message only (its `code` is always -1),
 * so the number is recovered from the message; the test driver's bare "Domain not found" has no prefix.
 */
export function bindingError(err: unknown, action: KvmAction, uri: string, guest?: string): OpError {
  if (err instanceof OpError) return err;
  // The test driver writes "internal error: Domain 'x' is already running"; errors.ts matches lower case.
  const message = libvirtMessage(err).replace(/^internal error: Domain '/, "internal error: domain '");
  const failure = /^Domain not found\b/.test(message) ? { code: VIR_ERR.NO_DOMAIN, message } : { message };
  return libvirtError(failure, { action, uri, ...(guest === undefined ? {} : { guest }) });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class LibvirtConnection {
  private conn: LvConnection | undefined;
  private opening: Promise<LvConnection> | undefined;
  private closed = false;

  constructor(private readonly opts: ConnectionOptions) {}

  get uri(): string {
    return this.opts.uri;
  }

  /**
   * Runs `fn` on the open connection. When it fails because the connection was lost, the
   * connection is reopened and `fn` runs once more; any other failure is thrown as it came
   * (a string or LibvirtError: the caller maps it to an OpError).
   */
  async call<T>(fn: (c: LvConnection) => Promise<T>): Promise<T> {
    const conn = await this.open();
    try {
      return await this.timed(fn(conn));
    } catch (err) {
      if (!isConnectionLost(libvirtMessage(err))) throw err;
      this.opts.logger.warn(
        { uri: this.opts.uri, err: libvirtMessage(err) },
        'libvirt connection lost; reconnecting',
      );
      this.drop(conn);
      return this.timed(fn(await this.open()));
    }
  }

  // A libvirtd that hangs must not hang the job: the call is abandoned (it finishes in the background).
  private timed<T>(p: Promise<T>): Promise<T> {
    const ms = this.opts.callTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const message = `libvirt at ${this.opts.uri} did not answer within ${humanDuration(ms)}; check libvirtd on the host.`;
        reject(new OpError('TIMEOUT', message, { retryable: true }));
      }, ms);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  /** {@link call} with failures mapped to OpError for `action`. */
  async run<T>(action: KvmAction, fn: (c: LvConnection) => Promise<T>): Promise<T> {
    try {
      return await this.call(fn);
    } catch (err) {
      throw bindingError(err, action, this.opts.uri);
    }
  }

  /** Looks the domain up by name and runs `fn` on it, with failures mapped to OpError for `action`. */
  async domain<T>(
    action: KvmAction,
    name: string,
    fn: (c: LvConnection, d: LvDomain) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.call(async (c) => fn(c, await c.domainLookupByName(name)));
    } catch (err) {
      throw bindingError(err, action, this.opts.uri, name);
    }
  }

  /** Opens the connection unless it is open; concurrent callers share one attempt. */
  open(): Promise<LvConnection> {
    if (this.closed) return Promise.reject(new OpError('INTERNAL', 'The KVM driver was already closed.'));
    if (this.conn) return Promise.resolve(this.conn);
    if (!this.opening) {
      this.opening = this.connectWithBackoff().finally(() => {
        this.opening = undefined;
      });
    }
    return this.opening;
  }

  async close(): Promise<void> {
    this.closed = true;
    const conn = this.conn ?? (await this.opening?.catch(() => undefined));
    this.conn = undefined;
    if (conn) await conn.connectClose().catch(() => {});
  }

  private drop(conn: LvConnection): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    // Frees the dead connection's resources; its failure says nothing new.
    conn.connectClose().catch(() => {});
  }

  private async connectWithBackoff(): Promise<LvConnection> {
    const { Hypervisor } = await loadBinding(this.opts.bindingModule);
    const waits = this.opts.backoffMs;
    for (let attempt = 0; ; attempt++) {
      const conn = new Hypervisor({ uri: this.opts.uri });
      try {
        await this.timed(conn.connectOpen());
        if (attempt > 0)
          this.opts.logger.info({ uri: this.opts.uri, attempt }, 'libvirt connection reopened');
        if (this.closed) {
          await conn.connectClose().catch(() => {});
          throw new OpError('INTERNAL', 'The KVM driver was closed while it was connecting.');
        }
        this.conn = conn;
        return conn;
      } catch (err) {
        if (err instanceof OpError) throw err;
        const message = libvirtMessage(err);
        const wait = waits[attempt];
        if (wait === undefined || !isConnectionLost(message)) throw this.cannotConnect(message, err);
        this.opts.logger.warn(
          { uri: this.opts.uri, attempt: attempt + 1, wait, err: message },
          'libvirt is not answering; retrying',
        );
        await sleep(wait);
      }
    }
  }

  private cannotConnect(message: string, cause: unknown): OpError {
    return new OpError(
      'HYPERVISOR',
      `Cannot connect to libvirt at ${this.opts.uri}; check that libvirtd is running on the host.`,
      { cause, detail: message, retryable: true },
    );
  }
}
