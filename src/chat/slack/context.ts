/**
 * What every Slack listener needs, and the one place that turns a Reply into what Slack takes:
 * a slash command's ack body, or a response_url message with Prev/Next buttons for paged reads.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { BotCore } from '../../bot/core.js';
import type { CommandInput } from '../../bot/pipeline/pipeline.js';
import type { Logger } from '../../log.js';
import type { Reply } from '../../model/outcome.js';
import { actions, type Block, button } from '../view/blocks.js';
import { replyBlocks } from '../view/reply.js';
import type { SlackOutbox, SlackPayload } from './notify/outbox.js';
import type { UserGroups } from './usergroups.js';

export interface SlackContext {
  core: BotCore;
  outbox: SlackOutbox;
  groups: UserGroups;
  log: Logger;
}

/** Slack shows at most 50 blocks in a message. */
const MAX_BLOCKS = 50;

/** The reply's blocks, with Prev/Next buttons when it is one page of several. */
export function replyPayload(reply: Reply, text: string): SlackPayload {
  const blocks: Block[] = replyBlocks(reply).slice(0, reply.page ? MAX_BLOCKS - 1 : MAX_BLOCKS);
  const p = reply.page;
  if (p && p.pages > 1) {
    const nav = [];
    if (p.page > 1) nav.push(button('‹ Previous', 'page_prev', pageValue(text, p.page - 1)));
    if (p.page < p.pages) nav.push(button('Next ›', 'page_next', pageValue(text, p.page + 1)));
    blocks.push(actions(...nav));
  }
  return { text: reply.text, blocks };
}

/** The ack body of a slash command: only the caller sees reads and refusals. */
export function ackBody(reply: Reply, text: string): Record<string, unknown> {
  return { response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', ...replyPayload(reply, text) };
}

/** A button value that re-runs the same read at another page (Slack allows 2000 characters). */
function pageValue(text: string, page: number): string {
  return `${page}|${text}`.slice(0, 2000);
}

/** The command text of a Prev/Next click, with its page set. */
export function pagedText(value: string): string | undefined {
  const m = /^(\d{1,5})\|(.*)$/s.exec(value);
  if (!m) return undefined;
  return `${m[2]!.replace(/(^|\s)page=\S*/g, '').trim()} page=${m[1]}`;
}

/** A button click, as every button listener gets it. */
export type Click = BlockAction<ButtonAction>;

/** The channel a click came from (its message's), if any. */
export function clickChannel(body: Click): string | undefined {
  return body.channel?.id ?? body.container?.channel_id;
}

/** A command run on behalf of the person who clicked, in the channel of the click. */
export async function clickCommand(ctx: SlackContext, body: Click, text: string): Promise<CommandInput> {
  const user = body.user.id;
  const channel = clickChannel(body);
  return {
    text,
    user,
    usergroups: await ctx.groups.of(user),
    ...(channel ? { channel } : {}),
    origin: 'slack',
  };
}

/** Answers the clicker only, through the click's response_url (an ephemeral message if it is spent). */
export async function answerClick(
  ctx: SlackContext,
  body: Click,
  reply: Reply,
  o: { replaceOriginal?: boolean; text?: string } = {},
): Promise<void> {
  if (!body.response_url) return;
  const channel = clickChannel(body);
  await ctx.outbox.send({
    kind: 'respond',
    url: body.response_url,
    payload: replyPayload(reply, o.text ?? ''),
    ...(o.replaceOriginal ? { replaceOriginal: true } : {}),
    ...(channel ? { fallback: { channel, user: body.user.id } } : {}),
  });
}
