/**
 * Request decoding for the stand-in and what a response_url post does (contract sections d, e).
 */
import type { IncomingMessage } from 'node:http';
import type { Args } from './methods.js';
import type { Block, EphemeralMessage, InteractionOrigin, SlackStore } from './store.js';

/** Fields WebClient JSON-encodes into one form field. */
const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata', 'files'];

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Decodes a Web API body: form-urlencoded (WebClient's default), JSON, or multipart (file parts
 * become Buffers). `error` is the Slack error for a body that does not parse.
 */
export async function decodeBody(raw: Buffer, contentType = ''): Promise<{ args: Args; error?: string }> {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const args: Args = {};
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8') || '{}');
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        return { args, error: 'invalid_json' };
      return { args: parsed as Args };
    } catch {
      return { args, error: 'invalid_json' };
    }
  }
  if (type === 'multipart/form-data') {
    try {
      const form = await new Response(new Uint8Array(raw), {
        headers: { 'content-type': contentType },
      }).formData();
      for (const [k, v] of form) args[k] = typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer());
    } catch {
      return { args, error: 'invalid_form_data' };
    }
  } else {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) args[k] = v;
  }
  for (const k of JSON_FIELDS) {
    const v = args[k];
    if (typeof v !== 'string') continue;
    try {
      args[k] = JSON.parse(v);
    } catch {
      // Left as a string: the handler answers invalid_blocks_format / invalid_arguments.
    }
  }
  return { args };
}

/** The outcome of one response_url post. */
export interface HookResult {
  status: number;
  body: Record<string, unknown>;
  error?: string;
}

/**
 * Checks and applies a response_url post: 5 uses within 30 minutes, then {@link applyResponse}.
 */
export function applyHook(
  store: SlackStore,
  id: string,
  raw: Buffer,
  limits: { uses: number; lifeMs: number },
): HookResult {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (!body || typeof body !== 'object') throw new Error('not an object');
  } catch {
    return { status: 400, body: {}, error: 'invalid_payload' };
  }
  const hook = store.hooks.get(id);
  if (!hook) return { status: 404, body, error: 'no_service' };
  if (store.now() - hook.issuedAt > limits.lifeMs) return { status: 404, body, error: 'expired_url' };
  if (hook.uses >= limits.uses) return { status: 404, body, error: 'used_url' };
  hook.uses += 1;

  applyResponse(store, hook, body);
  return { status: 200, body };
}

/**
 * Shows a message the way Slack shows a response_url post or a slash command's ack body:
 * `delete_original` / `replace_original` act on the source message (stored or ephemeral),
 * `response_type: 'in_channel'` posts to the channel as the app, anything else is an ephemeral for
 * the user. Returns the ts of the message shown, if one was.
 */
export function applyResponse(
  store: SlackStore,
  origin: InteractionOrigin,
  body: Record<string, unknown>,
  via: EphemeralMessage['via'] = 'response_url',
): string | undefined {
  const { channel, messageTs } = origin;
  if (!channel) return undefined;
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = Array.isArray(body.blocks) ? (body.blocks as Block[]) : undefined;
  const content = { text, ...(blocks ? { blocks } : {}) };
  const thread = typeof body.thread_ts === 'string' ? { thread_ts: body.thread_ts } : {};
  const stored = messageTs && !origin.ephemeral ? store.find(channel, messageTs) : undefined;
  const eph =
    messageTs && origin.ephemeral
      ? store.ephemerals.find((e) => e.ts === messageTs && e.channel === channel)
      : undefined;
  if (body.delete_original === true && (stored || eph)) {
    if (stored) store.remove(channel, stored.ts);
    if (eph) store.ephemerals.splice(store.ephemerals.indexOf(eph), 1);
    return undefined;
  }
  if (body.replace_original === true && stored) {
    store.edit(stored, content);
    return stored.ts;
  }
  if (body.replace_original === true && eph) {
    Object.assign(eph, { text, blocks: blocks ?? [], edits: eph.edits + 1 });
    return eph.ts;
  }
  if (body.response_type === 'in_channel') {
    const { botToken, botUserId } = store.identity;
    return store.addMessage(
      channel,
      { ...content, ...thread },
      { token: botToken, user: botUserId, bot: true },
    ).ts;
  }
  const ts = store.nextTs();
  store.ephemerals.push({
    channel,
    user: origin.user ?? '',
    ts,
    text,
    blocks: blocks ?? [],
    ...thread,
    via,
    edits: 0,
  });
  return ts;
}
