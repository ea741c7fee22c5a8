/**
 * Builders for what Slack sends an app (contract sections a, b): slash command fields, block_actions,
 * view_submission and event_callback payloads, shaped like the real ones.
 */
import { randomId } from './store.js';

/** Slack's deprecated verification token; Bolt ignores it but real payloads carry one. */
export const VERIFICATION_TOKEN = 'standinVerificationTok1';

/** The workspace/app a payload comes from. */
export interface PayloadOrigin {
  teamId: string;
  teamDomain: string;
  appId: string;
}

/** A loose Block Kit object. */
type Obj = Record<string, unknown>;

/** Slack's `channel_name` for an id: DMs are `directmessage`, private groups `privategroup`. */
export function channelName(id: string): string {
  if (id.startsWith('D')) return 'directmessage';
  if (id.startsWith('G')) return 'privategroup';
  return 'general';
}

/** A `action_ts`/`event_ts` style timestamp for now. */
export function actionTs(): string {
  const ms = Date.now();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000 + Math.floor(Math.random() * 1000)).padStart(6, '0')}`;
}

/** The form fields of a slash command request, in Slack's order; all strings. */
export function slashCommand(
  o: PayloadOrigin,
  c: { user: string; channel: string; command: string; text: string; responseUrl: string; triggerId: string },
): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: o.teamId,
    team_domain: o.teamDomain,
    channel_id: c.channel,
    channel_name: channelName(c.channel),
    user_id: c.user,
    user_name: c.user.toLowerCase(),
    command: c.command,
    text: c.text,
    api_app_id: o.appId,
    is_enterprise_install: 'false',
    response_url: c.responseUrl,
    trigger_id: c.triggerId,
  };
}

function userRef(o: PayloadOrigin, user: string): Obj {
  return { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: o.teamId };
}

/** Interactive elements of a block: `elements` (actions), `accessory` (section), `element` (input). */
function elementsOf(block: Obj): Obj[] {
  const out: Obj[] = [];
  if (Array.isArray(block.elements)) out.push(...(block.elements as Obj[]));
  if (block.accessory && typeof block.accessory === 'object') out.push(block.accessory as Obj);
  if (block.element && typeof block.element === 'object') out.push(block.element as Obj);
  return out.filter((e) => e && typeof e === 'object' && typeof e.type === 'string');
}

/** Finds the element with `actionId` (in block `blockId` when given) and its block's id. */
export function findElement(
  blocks: readonly Obj[],
  actionId: string,
  blockId?: string,
): { blockId: string; element: Obj } | undefined {
  for (const block of blocks) {
    if (blockId !== undefined && block.block_id !== blockId) continue;
    const element = elementsOf(block).find((e) => e.action_id === actionId);
    if (element) return { blockId: String(block.block_id ?? ''), element };
  }
  return undefined;
}

function optionsOf(element: Obj): Obj[] {
  const direct = Array.isArray(element.options) ? (element.options as Obj[]) : [];
  const groups = Array.isArray(element.option_groups) ? (element.option_groups as Obj[]) : [];
  return [...direct, ...groups.flatMap((g) => (Array.isArray(g.options) ? (g.options as Obj[]) : []))];
}

/** The value fields Slack reports for an element set to `value` (state.values and actions[]). */
export function elementValue(element: Obj, value: string | string[] | undefined): Obj {
  const type = String(element.type);
  const one = Array.isArray(value) ? value[0] : value;
  const many = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const option = (v: string | undefined) => optionsOf(element).find((opt) => opt.value === v) ?? null;
  switch (type) {
    case 'static_select':
    case 'radio_buttons':
    case 'overflow':
      return { type, selected_option: option(one) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: many.map(option).filter(Boolean) };
    case 'datepicker':
      return { type, selected_date: one ?? null };
    case 'timepicker':
      return { type, selected_time: one ?? null };
    case 'users_select':
      return { type, selected_user: one ?? null };
    case 'conversations_select':
      return { type, selected_conversation: one ?? null };
    case 'channels_select':
      return { type, selected_channel: one ?? null };
    case 'button':
      return {
        type,
        text: element.text,
        value: one ?? element.value,
        ...(element.style ? { style: element.style } : {}),
      };
    default:
      return { type, value: one ?? null };
  }
}

/** The actions[0] entry for a click on `element`. */
export function actionEntry(element: Obj, blockId: string, value?: string | string[]): Obj {
  return {
    ...elementValue(element, value),
    block_id: blockId,
    action_id: element.action_id,
    action_ts: actionTs(),
  };
}

/**
 * `state.values` for a view: every input block, filled from `values` keyed by block_id or by the
 * element's action_id (strings; arrays for multi-selects and checkboxes).
 */
export function stateValues(blocks: readonly Obj[], values: Record<string, string | string[]>): Obj {
  const out: Obj = {};
  for (const block of blocks) {
    if (block.type !== 'input' || !block.element || typeof block.element !== 'object') continue;
    const element = block.element as Obj;
    const blockId = String(block.block_id);
    const actionId = typeof element.action_id === 'string' ? element.action_id : randomId(5);
    const value = values[blockId] ?? values[actionId];
    out[blockId] = { [actionId]: elementValue(element, value) };
  }
  return out;
}

/** A block_actions payload for a click on a message (container type `message`). */
export function messageBlockActions(
  o: PayloadOrigin,
  c: {
    user: string;
    channel: string;
    message?: Obj;
    messageTs: string;
    ephemeral: boolean;
    action: Obj;
    triggerId: string;
    responseUrl: string;
  },
): Obj {
  return {
    type: 'block_actions',
    user: userRef(o, c.user),
    api_app_id: o.appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: c.messageTs, channel_id: c.channel, is_ephemeral: c.ephemeral },
    trigger_id: c.triggerId,
    team: { id: o.teamId, domain: o.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: c.channel, name: channelName(c.channel) },
    ...(c.message ? { message: c.message } : {}),
    state: { values: {} },
    response_url: c.responseUrl,
    actions: [c.action],
  };
}

/** A block_actions payload for a click in a modal or the Home tab (container type `view`). */
export function viewBlockActions(
  o: PayloadOrigin,
  c: { user: string; view: Obj; action: Obj; triggerId: string },
): Obj {
  return {
    type: 'block_actions',
    user: userRef(o, c.user),
    api_app_id: o.appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'view', view_id: c.view.id },
    trigger_id: c.triggerId,
    team: { id: o.teamId, domain: o.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    view: c.view,
    state: { values: {} },
    actions: [c.action],
  };
}

/** A view_submission payload for `view` with its `state.values` filled in. */
export function viewSubmission(
  o: PayloadOrigin,
  c: { user: string; view: Obj; values: Record<string, string | string[]>; triggerId: string },
): Obj {
  const blocks = Array.isArray(c.view.blocks) ? (c.view.blocks as Obj[]) : [];
  return {
    type: 'view_submission',
    team: { id: o.teamId, domain: o.teamDomain },
    user: userRef(o, c.user),
    api_app_id: o.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: c.triggerId,
    view: { ...c.view, state: { values: stateValues(blocks, c.values) } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** An Events API `event_callback` body wrapping `event`. */
export function eventCallback(o: PayloadOrigin & { botUserId: string }, event: Obj): Obj {
  const eventTs = typeof event.event_ts === 'string' ? event.event_ts : actionTs();
  return {
    token: VERIFICATION_TOKEN,
    team_id: o.teamId,
    api_app_id: o.appId,
    event: { ...event, event_ts: eventTs },
    type: 'event_callback',
    event_id: `Ev${randomId(10)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: o.teamId,
        user_id: o.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomId(24)}`,
  };
}
