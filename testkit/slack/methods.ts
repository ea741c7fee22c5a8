/**
 * The stand-in's Web API methods (contract section e), except views.* (see views.ts). Each handler
 * takes the decoded arguments and answers what Slack would put in the HTTP 200 JSON body.
 */
import type { Block, SlackIdentity, SlackStore, StoredMessage } from './store.js';

/** A decoded Web API request body, `token` removed. */
export type Args = Record<string, unknown>;

/** The JSON body of a Web API answer. */
export type Answer = { ok: true; [k: string]: unknown } | { ok: false; error: string; [k: string]: unknown };

/** A person the stand-in's users.info knows. */
export interface UserProfile {
  id: string;
  name?: string;
  realName?: string;
  email?: string;
  isAdmin?: boolean;
  tz?: string;
}

/** Everything a handler may look at besides its arguments. */
export interface MethodContext {
  store: SlackStore;
  /** The (validated) token of this call. */
  token: string;
  /** `http://127.0.0.1:PORT/` */
  baseUrl: string;
  /** Known channel ids/names; when unset any C…/D…/G… id exists. */
  channels?: ReadonlySet<string>;
  notInChannel: ReadonlySet<string>;
  /** Known users; when unset any U…/W… id exists. */
  users?: ReadonlyMap<string, UserProfile>;
  /** User groups for usergroups.list. */
  usergroups?: ReadonlyArray<import('./usergroups.js').UserGroup>;
  triggerLifeMs: number;
  /** Issues a Socket Mode URL (apps.connections.open). */
  socketUrl(): string;
}

/** A Web API method handler. */
export type Handler = (ctx: MethodContext, args: Args) => Answer;

/** `{ok:false, error}` with optional extra fields such as `response_metadata`. */
export function fail(error: string, extra: Record<string, unknown> = {}): Answer {
  return { ok: false, error, ...extra };
}

/** `invalid_arguments` with Slack's `response_metadata.messages`. */
export function invalidArguments(message: string): Answer {
  return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${message}`] } });
}

/** A string argument (form fields arrive as strings, JSON ones may be numbers). */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function textLength(t: unknown): number {
  const text = t && typeof t === 'object' ? (t as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text.length : 0;
}

/**
 * The auth error for a call, if any: the bot token for every method except apps.connections.open,
 * which wants the app-level token in the Authorization header (a body token is refused).
 */
export function tokenError(
  id: SlackIdentity,
  method: string,
  token: string,
  bearer?: string,
): string | undefined {
  if (!token) return 'not_authed';
  const isApp = id.appToken ? token === id.appToken : token.startsWith('xapp-');
  if (token !== id.botToken && !isApp) return 'invalid_auth';
  if (method !== 'apps.connections.open') return isApp ? 'not_allowed_token_type' : undefined;
  if (!bearer) return 'not_authed';
  return isApp ? undefined : 'not_allowed_token_type';
}

/** The Slack error for a bad `blocks` argument, if any (messages allow 50 blocks, surfaces 100). */
export function blocksError(blocks: unknown, max: number): Answer | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return fail('invalid_blocks_format');
  const bad = (why: string) =>
    fail('invalid_blocks', { response_metadata: { messages: [`[ERROR] ${why}`] } });
  if (blocks.length > max) return bad(`no more than ${max} items allowed [json-pointer:/blocks]`);
  for (const [i, b] of blocks.entries()) {
    if (!b || typeof b !== 'object' || typeof (b as Block).type !== 'string') {
      return bad(`missing required field: type [json-pointer:/blocks/${i}]`);
    }
    if ((b as Block).type === 'section' && textLength((b as Block).text) > 3000) {
      return bad(`must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`);
    }
  }
  return undefined;
}

/** `channel_not_found` / `not_in_channel` for a channel argument, if it applies. */
export function channelError(ctx: MethodContext, channel: unknown, membership = true): Answer | undefined {
  const known =
    typeof channel === 'string' &&
    (ctx.channels ? ctx.channels.has(channel) : /^[CDG][A-Z0-9]+$/.test(channel));
  if (!known) return fail('channel_not_found');
  if (membership && ctx.notInChannel.has(channel)) return fail('not_in_channel');
  return undefined;
}

/** A stored message as Slack shows it in API answers and payloads (no stand-in bookkeeping). */
export function publicMessage(m: StoredMessage, ctx?: { store: SlackStore }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: 'message',
    text: m.text,
    user: m.user,
    ts: m.ts,
    team: m.team,
  };
  if (m.bot_id) out.bot_id = m.bot_id;
  if (m.app_id) out.app_id = m.app_id;
  out.blocks = m.blocks;
  if (m.attachments) out.attachments = m.attachments;
  if (m.metadata) out.metadata = m.metadata;
  if (m.thread_ts) out.thread_ts = m.thread_ts;
  if (m.edits > 0) out.edited = { user: m.user, ts: m.ts };
  if (m.bot_id && ctx) {
    const id = ctx.store.identity;
    out.bot_profile = { id: id.botId, app_id: id.appId, name: 'vpsops', team_id: id.teamId, deleted: false };
  }
  return out;
}

function hasContent(args: Args): boolean {
  const blocks = Array.isArray(args.blocks) && args.blocks.length > 0;
  const attachments = Array.isArray(args.attachments) && args.attachments.length > 0;
  return Boolean(str(args.text)) || blocks || attachments;
}

function messageFields(args: Args) {
  return {
    text: str(args.text) ?? '',
    blocks: Array.isArray(args.blocks) ? (args.blocks as Block[]) : undefined,
    attachments: Array.isArray(args.attachments) ? args.attachments : undefined,
    metadata: args.metadata,
    thread_ts: str(args.thread_ts),
  };
}

const postMessage: Handler = (ctx, args) => {
  const bad = channelError(ctx, args.channel) ?? (hasContent(args) ? undefined : fail('no_text'));
  if (bad) return bad;
  const blocksBad = blocksError(args.blocks, 50);
  if (blocksBad) return blocksBad;
  if ((str(args.text) ?? '').length > 40_000) return fail('msg_too_long');
  const channel = args.channel as string;
  const { botUserId } = ctx.store.identity;
  const msg = ctx.store.addMessage(channel, messageFields(args), {
    token: ctx.token,
    user: botUserId,
    bot: true,
  });
  return { ok: true, channel, ts: msg.ts, message: publicMessage(msg, ctx) };
};

const update: Handler = (ctx, args) => {
  const bad = channelError(ctx, args.channel, false);
  if (bad) return bad;
  const channel = args.channel as string;
  const msg = ctx.store.find(channel, args.ts);
  if (!msg) return fail('message_not_found');
  if (msg.token !== ctx.token) return fail('cant_update_message');
  if (!hasContent(args)) return fail('no_text');
  const blocksBad = blocksError(args.blocks, 50);
  if (blocksBad) return blocksBad;
  const f = messageFields(args);
  ctx.store.edit(msg, { text: f.text, ...(f.blocks ? { blocks: f.blocks } : {}) });
  return { ok: true, channel, ts: msg.ts, text: msg.text, message: publicMessage(msg, ctx) };
};

const postEphemeral: Handler = (ctx, args) => {
  const bad = channelError(ctx, args.channel) ?? (hasContent(args) ? undefined : fail('no_text'));
  if (bad) return bad;
  const user = str(args.user);
  if (!user) return invalidArguments('missing required field: user');
  const blocksBad = blocksError(args.blocks, 50);
  if (blocksBad) return blocksBad;
  const f = messageFields(args);
  const ts = ctx.store.nextTs();
  ctx.store.ephemerals.push({
    channel: args.channel as string,
    user,
    ts,
    text: f.text,
    blocks: f.blocks ?? [],
    ...(f.thread_ts ? { thread_ts: f.thread_ts } : {}),
    via: 'chat.postEphemeral',
    edits: 0,
  });
  return { ok: true, message_ts: ts };
};

const remove: Handler = (ctx, args) => {
  const bad = channelError(ctx, args.channel, false);
  if (bad) return bad;
  const channel = args.channel as string;
  const msg = ctx.store.find(channel, args.ts);
  if (!msg) return fail('message_not_found');
  if (msg.token !== ctx.token) return fail('cant_delete_message');
  ctx.store.remove(channel, msg.ts);
  return { ok: true, channel, ts: msg.ts };
};

const reactionsAdd: Handler = (ctx, args) => {
  const name = str(args.name);
  if (!name || name.includes(':')) return fail('invalid_name');
  if (!args.channel || !args.timestamp) return fail('no_item_specified');
  const msg = ctx.store.find(String(args.channel), args.timestamp);
  if (!msg) return fail('message_not_found');
  if (msg.reactions.includes(name)) return fail('already_reacted');
  msg.reactions.push(name);
  return { ok: true };
};

const conversationsInfo: Handler = (ctx, args) => {
  const bad = channelError(ctx, args.channel, false);
  if (bad) return bad;
  const id = args.channel as string;
  const kind = id[0];
  const channel = {
    id,
    name: kind === 'D' ? undefined : kind === 'G' ? 'private-ops' : 'general',
    is_channel: kind === 'C',
    is_group: kind === 'G',
    is_im: kind === 'D',
    is_private: kind !== 'C',
    is_archived: false,
    is_member: !ctx.notInChannel.has(id),
    created: 1_700_000_000,
    creator: 'U0CREATOR',
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
  return { ok: true, channel };
};

const usersInfo: Handler = (ctx, args) => {
  const id = str(args.user);
  const known = id && (ctx.users ? ctx.users.has(id) : /^[UW][A-Z0-9]+$/.test(id));
  if (!id || !known) return fail('user_not_found');
  const p: UserProfile = ctx.users?.get(id) ?? { id };
  const name = p.name ?? id.toLowerCase();
  const realName = p.realName ?? name;
  const user = {
    id,
    team_id: ctx.store.identity.teamId,
    name,
    real_name: realName,
    deleted: false,
    is_bot: false,
    is_admin: p.isAdmin ?? false,
    tz: p.tz ?? 'Europe/Berlin',
    profile: { real_name: realName, display_name: name, email: p.email ?? `${name}@example.com` },
  };
  return { ok: true, user };
};

const authTest: Handler = (ctx) => {
  const id = ctx.store.identity;
  return {
    ok: true,
    url: `https://${id.teamDomain}.slack.com/`,
    team: id.teamDomain,
    user: 'vpsops',
    team_id: id.teamId,
    user_id: id.botUserId,
    bot_id: id.botId,
    is_enterprise_install: false,
  };
};

const connectionsOpen: Handler = (ctx) => ({ ok: true, url: ctx.socketUrl() });

/** The chat, reactions, conversations, users, auth and apps methods by name. */
export const METHODS: Record<string, Handler> = {
  'auth.test': authTest,
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.delete': remove,
  'reactions.add': reactionsAdd,
  'conversations.info': conversationsInfo,
  'users.info': usersInfo,
  'apps.connections.open': connectionsOpen,
};
