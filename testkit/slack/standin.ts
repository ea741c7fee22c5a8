/**
 * An in-process stand-in for Slack over real HTTP: the Web API (`/api/<method>`), response_url
 * hooks, file upload URLs and Socket Mode, with Slack's rate limits and injectable faults. Bolt and
 * WebClient talk to it unmodified through `clientOptions.slackApiUrl`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FILE_METHODS, receiveUpload } from './files.js';
import { type Fault, FaultPlan, type LimitOptions, peakInWindow, RateLimiter } from './limits.js';
import {
  type Answer,
  type Args,
  METHODS,
  type MethodContext,
  tokenError,
  type UserProfile,
} from './methods.js';
import { applyHook, applyResponse, decodeBody, readBody } from './routes.js';
import { SocketLink } from './socket.js';
import {
  type Block,
  type EphemeralMessage,
  type InteractionOrigin,
  type SlackIdentity,
  SlackStore,
  type StoredFile,
  type StoredMessage,
  type StoredView,
} from './store.js';
import { USERGROUP_METHODS, type UserGroup } from './usergroups.js';
import { VIEW_METHODS } from './views.js';

/** Options of {@link startSlackStandin}; all optional. */
export interface StandinOptions extends Partial<SlackIdentity> {
  /** Known channels (ids or names); when unset any C…/D…/G… id exists. */
  channels?: string[];
  /** Channels the bot is not a member of (chat.postMessage answers `not_in_channel`). */
  notInChannel?: string[];
  /** Known users for users.info; when unset any U…/W… id exists. */
  users?: UserProfile[];
  /** User groups for usergroups.list (none by default). */
  usergroups?: UserGroup[];
  /** Life of an issued trigger_id, default 3000 ms. */
  triggerLifeMs?: number;
  /** Uses and life of a response_url, default 5 and 30 min. */
  responseUrlUses?: number;
  responseUrlLifeMs?: number;
  /** Rate limits; `false` turns them off. */
  limits?: false | LimitOptions;
  /** The stand-in's clock (trigger life, response_url life, rate windows, ts). Default Date.now. */
  now?: () => number;
  /** Socket Mode server ping interval, default 10 s. */
  pingIntervalMs?: number;
}

/** One Web API call as the stand-in answered it. */
export interface RecordedCall {
  method: string;
  args: Args;
  /** Stand-in clock at arrival. */
  at: number;
  status: number;
  error?: string;
  token: string;
}

/** One POST to a response_url. */
export interface RecordedResponse {
  url: string;
  body: Record<string, unknown>;
  at: number;
  status: number;
  error?: string;
}

const DEFAULT_IDENTITY: SlackIdentity = {
  teamId: 'T0VPSOPS',
  teamDomain: 'vpsops-dev',
  appId: 'A0VPSOPS',
  botUserId: 'U0VPSBOT',
  botId: 'B0VPSBOT',
  botToken: 'xoxb-test-token',
};

/** A running stand-in. Create it with {@link startSlackStandin}. */
export class SlackStandin {
  /** Every Web API call, in arrival order. */
  readonly calls: RecordedCall[] = [];
  /** Every POST received at a response_url. */
  readonly responses: RecordedResponse[] = [];
  readonly socket: SocketLink;
  readonly identity: SlackIdentity;
  readonly now: () => number;
  /** @internal the state shared with the method handlers */
  readonly store: SlackStore;
  private readonly limiter: RateLimiter | undefined;
  private readonly faults = new FaultPlan();
  private readonly server: Server;
  private port = 0;

  constructor(private readonly opts: StandinOptions = {}) {
    this.now = opts.now ?? Date.now;
    const { channels, notInChannel, users, usergroups, limits, now, pingIntervalMs, ...identity } = opts;
    this.identity = { ...DEFAULT_IDENTITY, ...identity };
    this.store = new SlackStore(this.identity, this.now);
    this.limiter = limits === false ? undefined : new RateLimiter(limits ?? {});
    this.socket = new SocketLink({ appId: this.identity.appId, pingIntervalMs });
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(err));
      });
    });
    this.server.on('upgrade', (req, sock, head) => this.socket.handleUpgrade(req, sock, head));
  }

  /** @internal */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:PORT/` */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** The value for Bolt's / WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}api/`;
  }

  /** Top-level messages of a channel, oldest first, each with its `replies`. */
  history(channel: string): StoredMessage[] {
    return this.store.history(channel);
  }

  /** Thread replies under `ts`, oldest first. */
  replies(channel: string, ts: string): StoredMessage[] {
    return this.store.find(channel, ts)?.replies ?? [];
  }

  /** A stored message (top-level or reply). */
  message(channel: string, ts: string): StoredMessage | undefined {
    return this.store.find(channel, ts);
  }

  get ephemerals(): readonly EphemeralMessage[] {
    return this.store.ephemerals;
  }

  /** Modals opened, pushed or updated, by view id. */
  get views(): ReadonlyMap<string, StoredView> {
    return this.store.views;
  }

  /** The latest published Home view per user id. */
  get homes(): ReadonlyMap<string, StoredView> {
    return this.store.homes;
  }

  /** Uploaded files by id. */
  get files(): ReadonlyMap<string, StoredFile> {
    return this.store.files;
  }

  /** Calls answered 429 (limits and injected faults). */
  get count429(): number {
    return this.calls.filter((c) => c.status === 429).length;
  }

  /** The most calls of `method` in any window of `windowMs`; `acceptedOnly` skips 429s. */
  callsPerWindow(method: string, windowMs: number, opts: { acceptedOnly?: boolean } = {}): number {
    const hits = this.calls.filter((c) => c.method === method && (!opts.acceptedOnly || c.status !== 429));
    return peakInWindow(
      hits.map((c) => c.at),
      windowMs,
    );
  }

  /** The next `times` calls of `method` get `fault` (recorded in {@link calls}). */
  inject(method: string, fault: Fault, times = 1): void {
    this.faults.inject(method, fault, times);
  }

  /** Every call of `method` for `durationMs` gets 429 with `Retry-After: retryAfter`. */
  inject429Storm(method: string, durationMs: number, retryAfter: number): void {
    this.faults.storm(method, this.now() + durationMs, retryAfter);
  }

  /** A trigger_id views.open will accept once within `triggerLifeMs`. */
  issueTriggerId(origin: InteractionOrigin = {}): string {
    return this.store.issueTrigger(origin);
  }

  /** A response_url of this stand-in (`…/hooks/commands/…` or `…/hooks/actions/…`). */
  issueResponseUrl(kind: 'commands' | 'actions', origin: InteractionOrigin = {}): string {
    return this.store.issueHook(`${this.baseUrl}hooks/${kind}/`, origin);
  }

  /**
   * Shows a slash command's ack body as Slack would: an ephemeral for the invoker, or a channel
   * message for `response_type: 'in_channel'`. Returns its ts; undefined for an empty ack.
   */
  showAck(
    origin: { user: string; channel: string },
    body: Record<string, unknown> | string,
  ): string | undefined {
    const ack = typeof body === 'string' ? { text: body } : body;
    const shown = Boolean(ack.text) || Array.isArray(ack.blocks) || Array.isArray(ack.attachments);
    return shown ? applyResponse(this.store, origin, ack, 'ack') : undefined;
  }

  /** Adds a message posted by a person (the bot cannot chat.update it). */
  seedMessage(
    channel: string,
    msg: { user: string; text: string; blocks?: Block[]; thread_ts?: string },
  ): StoredMessage {
    return this.store.addMessage(channel, msg, { token: '', user: msg.user });
  }

  /** Stops the HTTP and WebSocket servers and drops open connections. */
  async close(): Promise<void> {
    await this.socket.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.baseUrl).pathname;
    if (req.method === 'POST' && path.startsWith('/api/')) return this.api(path.slice(5), req, res);
    const hook = /^\/hooks\/(?:commands|actions)\/(.+)$/.exec(path);
    if (req.method === 'POST' && hook) return this.hook(hook[1]!, req, res);
    const upload = /^\/upload\/v1\/([A-Z0-9]+)$/.exec(path);
    if (req.method === 'POST' && upload) return this.upload(upload[1]!, req, res);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not_found');
  }

  private async api(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.now();
    const decoded = await decodeBody(await readBody(req), req.headers['content-type']);
    const { token: bodyToken, ...args } = decoded.args;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof bodyToken === 'string' ? bodyToken : '');
    const reply = (status: number, body: Answer, headers: Record<string, string> = {}) => {
      const error = body.ok ? undefined : body.error;
      this.calls.push({ method, args, at, status, token, ...(error ? { error } : {}) });
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const limited = (sec: number) =>
      reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(sec) });
    const fault = this.faults.take(method, at);
    if (fault && 'status' in fault) {
      return fault.status === 500
        ? reply(500, { ok: false, error: 'internal_error' })
        : limited(fault.retryAfter);
    }
    if (fault) return reply(200, { ok: false, error: fault.error });
    const handler = [METHODS, VIEW_METHODS, FILE_METHODS, USERGROUP_METHODS].find((t) =>
      Object.hasOwn(t, method),
    )?.[method];
    if (!handler) return reply(200, { ok: false, error: 'unknown_method' });
    if (decoded.error) return reply(200, { ok: false, error: decoded.error });
    const authError = tokenError(this.identity, method, token, bearer);
    if (authError) return reply(200, { ok: false, error: authError });
    const channel = typeof args.channel === 'string' ? args.channel : undefined;
    const verdict = this.limiter?.take(method, channel, at);
    if (verdict && !verdict.ok) return limited(verdict.retryAfterSec);
    reply(200, handler(this.context(token), args));
  }

  private context(token: string): MethodContext {
    const o = this.opts;
    return {
      store: this.store,
      token,
      baseUrl: this.baseUrl,
      ...(o.channels ? { channels: new Set(o.channels) } : {}),
      notInChannel: new Set(o.notInChannel ?? []),
      ...(o.users ? { users: new Map(o.users.map((u) => [u.id, u])) } : {}),
      ...(o.usergroups ? { usergroups: o.usergroups } : {}),
      triggerLifeMs: o.triggerLifeMs ?? 3000,
      socketUrl: () => this.socket.issueUrl(`ws://127.0.0.1:${this.port}/`),
    };
  }

  private async hook(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const result = applyHook(this.store, id, body, {
      uses: this.opts.responseUrlUses ?? 5,
      lifeMs: this.opts.responseUrlLifeMs ?? 30 * 60_000,
    });
    this.responses.push({ url: `${this.baseUrl}${req.url?.slice(1) ?? ''}`, at: this.now(), ...result });
    if (result.status === 200) res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    else res.writeHead(result.status, { 'Content-Type': 'text/plain' }).end(result.error);
  }

  private async upload(fileId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const out = await receiveUpload(this.store, fileId, await readBody(req), req.headers['content-type']);
    res.writeHead(out.status, { 'Content-Type': 'text/plain' }).end(out.text);
  }
}

/** Starts a stand-in on 127.0.0.1 on a free port. */
export async function startSlackStandin(opts: StandinOptions = {}): Promise<SlackStandin> {
  const standin = new SlackStandin(opts);
  await standin.listen();
  return standin;
}
