/**
 * Socket Mode (contract section g): apps.connections.open hands out a `ws://…/link/?ticket=…`
 * URL, the client connects, gets `hello`, and then receives envelopes it must ack.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/** The envelope types Slack sends over Socket Mode. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What the client answered to an envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** Options of {@link SocketLink.send}. */
export interface SendOptions {
  /** Default: true for slash_commands and interactive, false for events_api (as Slack). */
  acceptsResponsePayload?: boolean;
  /** How long to wait for the ack; default 3000 ms, Slack's ack deadline. */
  timeoutMs?: number;
}

interface Pending {
  resolve(ack: SocketAck): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** The stand-in's Socket Mode endpoint. */
export class SocketLink {
  /** Every ack received, in order. */
  readonly acks: SocketAck[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  private waiters: Array<() => void> = [];
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly opts: { appId: string; pingIntervalMs?: number }) {
    // Slack's clients reconnect when the server has not pinged for 30 s.
    this.pinger = setInterval(() => {
      for (const ws of this.open) ws.ping();
    }, opts.pingIntervalMs ?? 10_000);
    this.pinger.unref();
  }

  /** Issues a one-use connection URL under `wsBase` (`ws://127.0.0.1:PORT/`). */
  issueUrl(wsBase: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${wsBase}link/?ticket=${ticket}&app_id=${this.opts.appId}`;
  }

  /** Takes an HTTP upgrade on `/link/`; refuses unknown or used tickets with 401. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!/^\/link\/?$/.test(url.pathname) || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    this.open.add(ws);
    ws.on('close', () => this.open.delete(ws));
    ws.on('error', () => this.open.delete(ws));
    ws.on('message', (data) => this.onMessage(data.toString()));
    const hello = {
      type: 'hello',
      num_connections: this.open.size,
      connection_info: { app_id: this.opts.appId },
      debug_info: {
        host: 'applink-standin',
        started: new Date().toISOString(),
        build_number: 1,
        approximate_connection_time: 3600,
      },
    };
    ws.send(JSON.stringify(hello));
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private onMessage(text: string): void {
    let msg: SocketAck;
    try {
      msg = JSON.parse(text) as SocketAck;
    } catch {
      return;
    }
    if (typeof msg?.envelope_id !== 'string') return;
    this.acks.push(msg);
    const p = this.pending.get(msg.envelope_id);
    if (!p) return;
    this.pending.delete(msg.envelope_id);
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  /** Number of open connections. */
  get connections(): number {
    return this.open.size;
  }

  /** Resolves when at least one client is connected (rejects after `timeoutMs`, default 10 s). */
  connected(timeoutMs = 10_000): Promise<void> {
    if (this.open.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no Socket Mode client within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Sends an envelope to the newest connection and resolves with its ack. */
  send(type: EnvelopeType, payload: Record<string, unknown>, opts: SendOptions = {}): Promise<SocketAck> {
    const ws = [...this.open].pop();
    if (!ws) return Promise.reject(new Error('no Socket Mode client connected'));
    const envelope_id = randomUUID();
    const envelope: Record<string, unknown> = {
      envelope_id,
      type,
      payload,
      accepts_response_payload: opts.acceptsResponsePayload ?? type !== 'events_api',
    };
    if (type === 'events_api') Object.assign(envelope, { retry_attempt: 0, retry_reason: '' });
    const timeoutMs = opts.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope_id);
        reject(new Error(`envelope ${envelope_id} (${type}) not acked within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelope_id, { resolve, reject, timer });
      ws.send(JSON.stringify(envelope));
    });
  }

  /** Asks every client to reconnect, as Slack does before refreshing a connection. */
  disconnect(reason: 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets'): void {
    const msg = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-standin' } });
    for (const ws of this.open) ws.send(msg);
  }

  /**
   * Closes every connection (a close handshake, then terminate after `graceMs`) and fails pending
   * envelopes. The handshake lets clients that are already leaving finish without an error.
   */
  async close(graceMs = 500): Promise<void> {
    clearInterval(this.pinger);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`envelope ${id}: stand-in closed`));
    }
    this.pending.clear();
    const sockets = [...this.open];
    const closed = sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
    for (const ws of sockets) ws.close(1001, 'stand-in closing');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(closed), grace]);
    clearTimeout(timer);
    for (const ws of sockets) ws.terminate();
    this.open.clear();
    this.wss.close();
  }
}
