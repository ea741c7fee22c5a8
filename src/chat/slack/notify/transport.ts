/**
 * The notifier's line to Slack: Web API calls through @slack/web-api with its own retries and
 * rate-limit queueing turned off (the notifier schedules, budgets and retries itself, and must
 * never stall every channel behind one 429), and response_url posts through fetch.
 */
import {
  type WebAPICallResult,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import type { Logger } from '../../../log.js';
import { slackLogger } from '../logger.js';

/** Why a Slack call did not work, in the terms the notifier acts on. */
export class SlackCallError extends Error {
  constructor(
    /** ratelimited: wait `retryAfterMs`; platform: Slack said no (`error`); transient: try again later. */
    readonly kind: 'ratelimited' | 'platform' | 'transient',
    readonly error: string,
    readonly retryAfterMs = 0,
  ) {
    super(`${kind}: ${error}`);
    this.name = 'SlackCallError';
  }
}

export interface SlackTransport {
  /** Calls a Web API method; throws SlackCallError. */
  call(method: string, args: Record<string, unknown>): Promise<WebAPICallResult>;
  /** Posts to a response_url; throws SlackCallError. */
  respond(url: string, body: Record<string, unknown>): Promise<void>;
}

export function webTransport(o: { token: string; apiUrl?: string; log: Logger }): SlackTransport {
  const client = new WebClient(o.token, {
    ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
    logger: slackLogger(o.log),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 15_000,
  });
  return {
    async call(method, args) {
      try {
        return await client.apiCall(method, args);
      } catch (err) {
        throw classify(err);
      }
    },
    async respond(url, body) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          redirect: 'error',
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw new SlackCallError('transient', (err as Error).message);
      }
      const text = await res.text().catch(() => '');
      if (res.ok) return;
      if (res.status === 429)
        throw new SlackCallError('ratelimited', 'ratelimited', retryAfterMs(res.headers.get('retry-after')));
      if (res.status >= 500) throw new SlackCallError('transient', `HTTP ${res.status}`);
      // Slack answers a spent or expired response_url with 404 and a short reason.
      throw new SlackCallError('platform', text.trim().slice(0, 100) || `HTTP ${res.status}`);
    },
  };
}

function retryAfterMs(header: string | null): number {
  const s = Number(header);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 1000;
}

/** Maps the Web API client's errors onto what the notifier does next. */
export function classify(err: unknown): SlackCallError {
  if (err instanceof SlackCallError) return err;
  if (err instanceof WebAPIRateLimitedError)
    return new SlackCallError('ratelimited', 'ratelimited', err.retryAfter * 1000);
  if (err instanceof WebAPIPlatformError) {
    const e = err.data.error;
    return e === 'ratelimited' || e === 'rate_limited'
      ? new SlackCallError('ratelimited', e, 1000)
      : new SlackCallError('platform', e);
  }
  if (err instanceof WebAPIHTTPError) return new SlackCallError('transient', `HTTP ${err.statusCode}`);
  return new SlackCallError('transient', err instanceof Error ? err.message : String(err));
}
