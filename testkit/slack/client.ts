/**
 * The Slack side of a conversation with a Bolt app: signed slash commands, clicks, modal
 * submissions and events POSTed to the app's `/slack/events` (contract sections a–c), or sent
 * through the stand-in's Socket Mode link. Response URLs and trigger_ids come from the stand-in.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { publicMessage } from './methods.js';
import {
  actionEntry,
  eventCallback,
  findElement,
  messageBlockActions,
  type PayloadOrigin,
  slashCommand,
  VERIFICATION_TOKEN,
  viewBlockActions,
  viewSubmission,
} from './payloads.js';
import type { SlackStandin } from './standin.js';
import { randomId, type StoredView } from './store.js';

/** Options of {@link SlackClientSim}. */
export interface SimOptions {
  standin: SlackStandin;
  /** The app's request URL, e.g. `http://127.0.0.1:3000/slack/events`. */
  eventsUrl: string;
  signingSecret: string;
  teamId?: string;
  appId?: string;
}

/** Per-request knobs for testing the app's request verification. */
export interface DeliveryOptions {
  /** Sign with a wrong secret. */
  badSignature?: boolean;
  /** Shift X-Slack-Request-Timestamp, e.g. -301 for a stale request. */
  timestampOffsetSec?: number;
  /** Send X-Slack-Retry-Num / X-Slack-Retry-Reason, as Slack does on redelivery. */
  retry?: { num: number; reason: string };
}

/** The app's HTTP answer. */
export interface SimResponse {
  status: number;
  body: string;
  /** The body parsed, when it is JSON. */
  json?: Record<string, unknown>;
  /** Milliseconds from sending to the full answer. */
  ms: number;
}

/** The app's answer to an interaction, with the URLs the stand-in issued for it. */
export interface InteractionResponse extends SimResponse {
  responseUrl?: string;
  triggerId: string;
}

/** Who sends a slash command where; `command` defaults to `/vps`. */
export interface CommandTarget {
  user: string;
  channel: string;
  command?: string;
}

/** The app's answer to a slash command. */
export interface CommandResponse extends InteractionResponse {
  responseUrl: string;
  /** The ts of the message the ack body became (ephemeral unless `response_type: 'in_channel'`). */
  ackTs?: string;
}

/** A click on a message button (or other element). */
export interface ClickOptions extends DeliveryOptions {
  user: string;
  channel: string;
  messageTs: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** The message is an ephemeral one (looked up in `standin.ephemerals`; no `message` sent). */
  ephemeral?: boolean;
}

const FORM = 'application/x-www-form-urlencoded';

/** Sends what Slack sends to an app. */
export class SlackClientSim {
  private readonly origin: PayloadOrigin & { botUserId: string };

  constructor(private readonly opts: SimOptions) {
    const id = opts.standin.identity;
    this.origin = {
      teamId: opts.teamId ?? id.teamId,
      teamDomain: id.teamDomain,
      appId: opts.appId ?? id.appId,
      botUserId: id.botUserId,
    };
  }

  /** `v0=` + HMAC-SHA256(signing secret, `v0:<ts>:<body>`) in hex. */
  sign(body: string, ts: number | string, secret = this.opts.signingSecret): string {
    return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  }

  /**
   * A slash command (default `/vps`) with a stand-in response_url and trigger_id. A non-empty ack
   * is shown in the stand-in like Slack shows it (an ephemeral by default); `ackTs` is its ts, for
   * clicking on it with `clickButton({…, ephemeral: true})`.
   */
  async command(text: string, o: DeliveryOptions & CommandTarget): Promise<CommandResponse> {
    const fields = this.commandFields(text, o);
    const res = await this.post(new URLSearchParams(fields).toString(), FORM, o);
    const ackTs =
      res.status === 200 && res.body
        ? this.opts.standin.showAck({ user: o.user, channel: o.channel }, res.json ?? res.body)
        : undefined;
    return {
      ...res,
      responseUrl: fields.response_url!,
      triggerId: fields.trigger_id!,
      ...(ackTs ? { ackTs } : {}),
    };
  }

  /** The same slash command through Socket Mode; resolves with the ack's payload (also shown). */
  async commandViaSocket(text: string, o: CommandTarget): Promise<Record<string, unknown> | undefined> {
    const ack = await this.opts.standin.socket.send('slash_commands', this.commandFields(text, o));
    if (ack.payload) this.opts.standin.showAck({ user: o.user, channel: o.channel }, ack.payload);
    return ack.payload;
  }

  private commandFields(text: string, o: CommandTarget) {
    const s = this.opts.standin;
    const where = { user: o.user, channel: o.channel };
    return slashCommand(this.origin, {
      ...where,
      command: o.command ?? '/vps',
      text,
      responseUrl: s.issueResponseUrl('commands', where),
      triggerId: s.issueTriggerId(where),
    });
  }

  /** A click on an element of a stored message; the payload carries the stored message. */
  async clickButton(o: ClickOptions): Promise<InteractionResponse> {
    const s = this.opts.standin;
    const stored = o.ephemeral ? undefined : s.message(o.channel, o.messageTs);
    const blocks = o.ephemeral
      ? s.ephemerals.find((e) => e.ts === o.messageTs && e.channel === o.channel)?.blocks
      : stored?.blocks;
    if (!blocks)
      throw new Error(`no ${o.ephemeral ? 'ephemeral ' : ''}message ${o.messageTs} in ${o.channel}`);
    const hit = findElement(blocks, o.actionId, o.blockId);
    if (!hit) throw new Error(`no element with action_id ${o.actionId} in message ${o.messageTs}`);
    const where = {
      user: o.user,
      channel: o.channel,
      messageTs: o.messageTs,
      ephemeral: o.ephemeral ?? false,
    };
    const triggerId = s.issueTriggerId(where);
    const responseUrl = s.issueResponseUrl('actions', where);
    const payload = messageBlockActions(this.origin, {
      ...where,
      ...(stored ? { message: publicMessage(stored, s) } : {}),
      action: actionEntry(hit.element, hit.blockId, o.value),
      triggerId,
      responseUrl,
    });
    return { ...(await this.postPayload(payload, o)), responseUrl, triggerId };
  }

  /** A click on an element of the user's published Home view. */
  clickHomeButton(
    o: DeliveryOptions & { user: string; actionId: string; value?: string },
  ): Promise<InteractionResponse> {
    const view = this.opts.standin.homes.get(o.user);
    if (!view) throw new Error(`no Home view published for ${o.user}`);
    return this.clickIn(view, o);
  }

  /** A click on an element of an open modal. */
  clickViewButton(
    o: DeliveryOptions & { user: string; viewId: string; actionId: string; value?: string },
  ): Promise<InteractionResponse> {
    const view = this.opts.standin.views.get(o.viewId);
    if (!view) throw new Error(`no view ${o.viewId}`);
    return this.clickIn(view, o);
  }

  private async clickIn(
    view: StoredView,
    o: DeliveryOptions & { user: string; actionId: string; value?: string },
  ): Promise<InteractionResponse> {
    const hit = findElement(view.blocks, o.actionId);
    if (!hit) throw new Error(`no element with action_id ${o.actionId} in view ${view.id}`);
    const triggerId = this.opts.standin.issueTriggerId({ user: o.user, viewId: view.id });
    const action = actionEntry(hit.element, hit.blockId, o.value);
    const payload = viewBlockActions(this.origin, { user: o.user, view, action, triggerId });
    return { ...(await this.postPayload(payload, o)), triggerId };
  }

  /**
   * Submits a stored modal with `values` keyed by block_id (or action_id). The ack (`json`) decides
   * what happens: `update`/`push` are applied to the stand-in's views.
   */
  async submitView(
    o: DeliveryOptions & { user: string; viewId: string; values: Record<string, string | string[]> },
  ): Promise<InteractionResponse> {
    const s = this.opts.standin;
    const view = s.views.get(o.viewId);
    if (!view) throw new Error(`no view ${o.viewId}`);
    const triggerId = s.issueTriggerId({ user: o.user, viewId: view.id });
    const payload = viewSubmission(this.origin, { user: o.user, view, values: o.values, triggerId });
    const res = await this.postPayload(payload, o);
    this.applyViewAck(view, res.json);
    return { ...res, triggerId };
  }

  private applyViewAck(view: StoredView, ack: Record<string, unknown> | undefined): void {
    const next = ack?.view as Record<string, unknown> | undefined;
    if (!next || typeof next !== 'object') return;
    const store = this.opts.standin.store;
    if (ack?.response_action === 'update') store.views.set(view.id, store.saveView(next, view));
    if (ack?.response_action === 'push') {
      const keep = { id: `V${randomId(10)}`, root_view_id: view.root_view_id, previous_view_id: view.id };
      store.views.set(keep.id, store.saveView(next, keep));
    }
  }

  /** An Events API `event_callback` wrapping `event` (e.g. `{type: 'app_home_opened', …}`). */
  event(event: Record<string, unknown>, o: DeliveryOptions = {}): Promise<SimResponse> {
    return this.post(JSON.stringify(eventCallback(this.origin, event)), 'application/json', o);
  }

  /** The `url_verification` handshake; a Bolt app answers `{challenge}`. */
  urlVerification(challenge: string, o: DeliveryOptions = {}): Promise<SimResponse> {
    const body = { token: VERIFICATION_TOKEN, challenge, type: 'url_verification' };
    return this.post(JSON.stringify(body), 'application/json', o);
  }

  private postPayload(payload: Record<string, unknown>, o: DeliveryOptions): Promise<SimResponse> {
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, o);
  }

  /** POSTs `body` signed (or mis-signed, per `o`) to the app and measures the answer. */
  async post(body: string, contentType: string, o: DeliveryOptions = {}): Promise<SimResponse> {
    const ts = Math.floor(Date.now() / 1000) + (o.timestampOffsetSec ?? 0);
    const secret = o.badSignature ? `${this.opts.signingSecret}-wrong` : this.opts.signingSecret;
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      'X-Slack-Request-Timestamp': String(ts),
      'X-Slack-Signature': this.sign(body, ts, secret),
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (o.retry) {
      headers['X-Slack-Retry-Num'] = String(o.retry.num);
      headers['X-Slack-Retry-Reason'] = o.retry.reason;
    }
    const started = performance.now();
    const res = await fetch(this.opts.eventsUrl, { method: 'POST', headers, body });
    const text = await res.text();
    const ms = performance.now() - started;
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
    } catch {
      // A plain-text ack is legal for slash commands.
    }
    return { status: res.status, body: text, ...(json ? { json } : {}), ms };
  }
}
