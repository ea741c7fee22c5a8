/**
 * What the stand-in remembers: messages per channel (with threads and edits), ephemerals, views,
 * trigger_ids, response_urls and uploads. The HTTP layer and the method handlers share one store.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** A Block Kit block as the stand-in stores it (Slack fills in `block_id` when it is absent). */
export type Block = Record<string, unknown> & { type?: unknown; block_id?: string };

/** Who the stand-in's workspace, app and bot are. */
export interface SlackIdentity {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
  botToken: string;
  /** The app-level token; when unset any `xapp-` token is accepted. */
  appToken?: string;
}

/** A message in a channel's history. */
export interface StoredMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string;
  blocks: Block[];
  attachments?: unknown[];
  metadata?: unknown;
  thread_ts?: string;
  /** The poster's user id (the bot user for bot messages). */
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  /** The token that posted it; '' for messages seeded as posted by a person. */
  token: string;
  /** How many times chat.update or replace_original changed it. */
  edits: number;
  editHistory: Array<{ text: string; blocks: Block[]; at: number }>;
  /** Thread replies, oldest first (only on top-level messages). */
  replies: StoredMessage[];
  reactions: string[];
}

/** A message only one user saw: chat.postEphemeral, a response_url post, or a slash command's ack body. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks: Block[];
  thread_ts?: string;
  via: 'chat.postEphemeral' | 'response_url' | 'ack';
  /** How many times a response_url with replace_original changed it. */
  edits: number;
}

/** A view as Slack returns it from views.open/update/push/publish. */
export type StoredView = Record<string, unknown> & {
  id: string;
  type: string;
  blocks: Block[];
  callback_id: string;
  private_metadata: string;
  hash: string;
  root_view_id: string;
  previous_view_id: string | null;
  external_id: string;
};

/** What an issued trigger_id or response_url knows about the interaction that produced it. */
export interface InteractionOrigin {
  user?: string;
  channel?: string;
  /** The message a block_actions came from (for replace_original / delete_original). */
  messageTs?: string;
  ephemeral?: boolean;
  /** The view a trigger came from (views.push stacks on it). */
  viewId?: string;
}

/** An issued response_url and its use count. */
export interface ResponseHook extends InteractionOrigin {
  id: string;
  url: string;
  issuedAt: number;
  uses: number;
}

/** A file uploaded through files.getUploadURLExternal + the upload URL. */
export interface StoredFile {
  id: string;
  filename: string;
  length: number;
  title?: string;
  bytes?: Buffer;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  completed: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `n` random characters of `alphabet`. */
export function randomId(n: number, alphabet = ALNUM): string {
  const bytes = randomBytes(n);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** Shared mutable state of one stand-in. */
export class SlackStore {
  readonly channels = new Map<string, StoredMessage[]>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views = new Map<string, StoredView>();
  readonly homes = new Map<string, StoredView>();
  readonly files = new Map<string, StoredFile>();
  readonly hooks = new Map<string, ResponseHook>();
  private readonly triggers = new Map<string, InteractionOrigin & { issuedAt: number; used: boolean }>();
  private lastMicros = 0;

  constructor(
    readonly identity: SlackIdentity,
    readonly now: () => number,
  ) {}

  /** A message timestamp like `1732470000.000100`, strictly increasing. */
  nextTs(): string {
    this.lastMicros = Math.max(Math.floor(this.now()) * 1000, this.lastMicros + 100);
    const sec = Math.floor(this.lastMicros / 1e6);
    return `${sec}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  /** Issues a trigger_id the stand-in will accept once, within its life. */
  issueTrigger(origin: InteractionOrigin = {}): string {
    const id = `${Math.floor(this.now() / 1000)}.${randomId(9, '0123456789')}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { ...origin, issuedAt: this.now(), used: false });
    return id;
  }

  /** Uses a trigger_id up: the origin, or the Slack error views.open answers. */
  exchangeTrigger(id: unknown, lifeMs: number): { origin: InteractionOrigin } | { error: string } {
    const t = typeof id === 'string' ? this.triggers.get(id) : undefined;
    if (!t) return { error: 'invalid_trigger_id' };
    if (t.used) return { error: 'exchanged_trigger_id' };
    if (this.now() - t.issuedAt > lifeMs) return { error: 'expired_trigger_id' };
    t.used = true;
    return { origin: t };
  }

  /** Issues a response_url under `baseUrl` (`…/hooks/commands/` or `…/hooks/actions/`). */
  issueHook(baseUrl: string, origin: InteractionOrigin = {}): string {
    const id = `${this.identity.teamId}/${randomId(10, '0123456789')}/${randomId(24)}`;
    const url = `${baseUrl}${id}`;
    this.hooks.set(id, { ...origin, id, url, issuedAt: this.now(), uses: 0 });
    return url;
  }

  /** Top-level messages of a channel, oldest first. */
  history(channel: string): StoredMessage[] {
    return this.channels.get(channel) ?? [];
  }

  /** A top-level message or a thread reply. */
  find(channel: string, ts: unknown): StoredMessage | undefined {
    for (const m of this.history(channel)) {
      if (m.ts === ts) return m;
      const reply = m.replies.find((r) => r.ts === ts);
      if (reply) return reply;
    }
    return undefined;
  }

  /** Stores a new message (a reply when `thread_ts` names a stored message) and returns it. */
  addMessage(
    channel: string,
    fields: Partial<Pick<StoredMessage, 'text' | 'blocks' | 'attachments' | 'metadata' | 'thread_ts'>>,
    poster: { token: string; user: string; bot?: boolean },
  ): StoredMessage {
    const id = this.identity;
    const msg: StoredMessage = {
      type: 'message',
      channel,
      ts: this.nextTs(),
      text: fields.text ?? '',
      blocks: withBlockIds(fields.blocks ?? []),
      user: poster.user,
      team: id.teamId,
      token: poster.token,
      edits: 0,
      editHistory: [],
      replies: [],
      reactions: [],
    };
    if (poster.bot) Object.assign(msg, { bot_id: id.botId, app_id: id.appId });
    if (fields.attachments) msg.attachments = fields.attachments;
    if (fields.metadata) msg.metadata = fields.metadata;
    const parent = fields.thread_ts ? this.find(channel, fields.thread_ts) : undefined;
    // A reply to a reply joins the parent's thread, as in Slack.
    const root =
      parent?.thread_ts && parent.thread_ts !== parent.ts ? this.find(channel, parent.thread_ts) : parent;
    if (fields.thread_ts) msg.thread_ts = root?.ts ?? fields.thread_ts;
    if (root) root.replies.push(msg);
    else this.channels.set(channel, [...this.history(channel), msg]);
    return msg;
  }

  /** Changes a message's text/blocks, counting the edit. */
  edit(msg: StoredMessage, fields: { text?: string; blocks?: Block[] }): void {
    msg.editHistory.push({ text: msg.text, blocks: msg.blocks, at: this.now() });
    msg.edits += 1;
    if (fields.text !== undefined) msg.text = fields.text;
    if (fields.blocks !== undefined) msg.blocks = withBlockIds(fields.blocks);
  }

  /** Removes a message (a parent takes its thread with it). */
  remove(channel: string, ts: string): boolean {
    const top = this.history(channel);
    const i = top.findIndex((m) => m.ts === ts);
    if (i >= 0) {
      top.splice(i, 1);
      return true;
    }
    for (const m of top) {
      const j = m.replies.findIndex((r) => r.ts === ts);
      if (j >= 0) {
        m.replies.splice(j, 1);
        return true;
      }
    }
    return false;
  }

  /** Stores a view with Slack's server-side fields filled in; keeps `id` when replacing. */
  saveView(
    view: Record<string, unknown>,
    keep?: { id: string; root_view_id: string; previous_view_id: string | null },
  ): StoredView {
    const id = keep?.id ?? `V${randomId(10)}`;
    const stored: StoredView = {
      ...view,
      id,
      team_id: this.identity.teamId,
      type: String(view.type),
      blocks: withBlockIds(Array.isArray(view.blocks) ? (view.blocks as Block[]) : []),
      private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
      callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
      state: { values: {} },
      hash: `${Math.floor(this.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      clear_on_close: view.clear_on_close === true,
      notify_on_close: view.notify_on_close === true,
      root_view_id: keep?.root_view_id ?? id,
      previous_view_id: keep?.previous_view_id ?? null,
      app_id: this.identity.appId,
      app_installed_team_id: this.identity.teamId,
      bot_id: this.identity.botId,
      external_id: typeof view.external_id === 'string' ? view.external_id : '',
    };
    return stored;
  }
}

/** Gives every block without a `block_id` a short random one, as Slack does. */
export function withBlockIds(blocks: Block[]): Block[] {
  return blocks.map((b) =>
    b && typeof b === 'object' && !b.block_id
      ? { ...b, block_id: randomId(5, `${ALNUM}abcdefghijklmnopqrstuvwxyz=+`) }
      : b,
  );
}

/** A fresh random id with a prefix, e.g. `F…` for files. */
export function prefixedId(prefix: string): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}
