// The Slack stand-in against a real Bolt app and real WebClients over HTTP: nothing is mocked.
import { App, LogLevel, type types } from '@slack/bolt';
import { WebClient, LogLevel as WebLogLevel } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/demo/redis-server.js';
import { SlackClientSim, type SlackStandin, startSlackStandin } from '../../testkit/slack/index.js';

const SECRET = 'test-signing-secret';
const TOKEN = 'xoxb-test-token';
const ALICE = 'U1ALICE';
const OPS = 'C1OPS';

const modal: types.ModalView = {
  type: 'modal',
  callback_id: 'deploy_form',
  title: { type: 'plain_text', text: 'Deploy' },
  submit: { type: 'plain_text', text: 'Go' },
  blocks: [
    {
      type: 'input',
      block_id: 'target',
      label: { type: 'plain_text', text: 'Guest' },
      element: { type: 'plain_text_input', action_id: 'target_input' },
    },
    {
      type: 'input',
      block_id: 'env',
      label: { type: 'plain_text', text: 'Env' },
      element: {
        type: 'static_select',
        action_id: 'env_select',
        options: ['dev', 'prod'].map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
      },
    },
  ],
};
const button = (action_id: string, value: string): types.ActionsBlock => ({
  type: 'actions',
  elements: [{ type: 'button', action_id, value, text: { type: 'plain_text', text: action_id } }],
});

let skewMs = 0;
let standin: SlackStandin;
let app: App;
let sim: SlackClientSim;
// What the app's listeners saw, for the assertions.
const seen: Record<string, unknown[]> = { command: [], action: [], view: [], opened: [], home: [] };

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

// WebClient logs Slack's response_metadata messages at error level; these tests provoke them.
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => WebLogLevel.ERROR,
  setName: () => undefined,
};

function webClient(opts: ConstructorParameters<typeof WebClient>[1] = {}, token = TOKEN): WebClient {
  return new WebClient(token, { slackApiUrl: standin.apiUrl, logger: quiet, ...opts });
}

/** 'ok', or the Slack error a Web API call failed with. */
function error(call: Promise<unknown>): Promise<string | undefined> {
  return call.then(
    () => 'ok',
    (e: { data?: { error?: string } }) => e.data?.error,
  );
}

beforeAll(async () => {
  standin = await startSlackStandin({ now: () => Date.now() + skewMs });
  app = new App({
    signingSecret: SECRET,
    token: TOKEN,
    clientOptions: { slackApiUrl: standin.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  app.command('/vps', async ({ command, ack, say, respond, client }) => {
    seen.command!.push(command);
    if (command.text === 'say') {
      await ack();
      await say('said it');
    } else if (command.text === 'respond') {
      await ack();
      await respond({ response_type: 'in_channel', text: 'done' });
    } else if (command.text === 'modal') {
      await ack();
      seen.opened!.push(await client.views.open({ trigger_id: command.trigger_id, view: modal }));
    } else if (command.text === 'page') {
      await ack({ text: 'page 1', blocks: [button('page_next', '2')] });
    } else {
      await ack({ response_type: 'ephemeral', text: `${command.text}: running` });
    }
  });
  app.action('approve', async ({ ack, body, respond }) => {
    await ack();
    seen.action!.push(body);
    await respond({ replace_original: true, text: 'Approved' });
  });
  app.action('page_next', async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: 'page 2' });
  });
  app.view('deploy_form', async ({ ack, view }) => {
    seen.view!.push(view.state.values);
    await ack({ response_action: 'errors', errors: { target: 'Unknown guest' } });
  });
  app.event('app_home_opened', async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: { type: 'home', blocks: [button('home_refresh', 'r')] },
    });
  });
  app.action('home_refresh', async ({ ack, body }) => {
    await ack();
    seen.home!.push(body);
  });
  const port = await freePort();
  await app.start({ port, host: '127.0.0.1' });
  sim = new SlackClientSim({
    standin,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: SECRET,
  });
});

afterAll(async () => {
  await app?.stop();
  await standin?.close();
});

describe('Slack stand-in with a real Bolt app over HTTP', () => {
  it('delivers a signed slash command with Slack fields and returns the ack body', async () => {
    const res = await sim.command('status web-1', { user: ALICE, channel: OPS });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'status web-1: running' });
    expect(seen.command!.at(-1)).toMatchObject({
      command: '/vps',
      text: 'status web-1',
      user_id: ALICE,
      channel_id: OPS,
      team_id: standin.identity.teamId,
      api_app_id: standin.identity.appId,
      response_url: res.responseUrl,
      trigger_id: res.triggerId,
    });
    expect(standin.calls.some((c) => c.method === 'auth.test' && c.status === 200)).toBe(true);
  });

  it('answers 401 to a bad signature and a stale timestamp, accepts a future one', async () => {
    const where = { user: ALICE, channel: OPS };
    expect((await sim.command('x', { ...where, badSignature: true })).status).toBe(401);
    expect((await sim.command('x', { ...where, timestampOffsetSec: -301 })).status).toBe(401);
    expect((await sim.command('x', { ...where, timestampOffsetSec: 3600 })).status).toBe(200);
    expect((await sim.urlVerification('abc')).json).toEqual({ challenge: 'abc' });
  });

  it('stores say() in the history and chat.update edits it', async () => {
    await sim.command('say', { user: ALICE, channel: 'C2SAY' });
    const msg = await waitFor(() => standin.history('C2SAY')[0]);
    expect(msg).toMatchObject({ text: 'said it', edits: 0, bot_id: standin.identity.botId });
    expect(msg.ts).toMatch(/^\d{10}\.\d{6}$/);
    await app.client.chat.update({ channel: 'C2SAY', ts: msg.ts, text: 'edited' });
    expect(standin.message('C2SAY', msg.ts)).toMatchObject({ text: 'edited', edits: 1 });
    const reply = await app.client.chat.postMessage({
      channel: 'C2SAY',
      text: 'in thread',
      thread_ts: msg.ts,
    });
    expect(standin.replies('C2SAY', msg.ts).map((r) => r.ts)).toEqual([reply.ts]);
  });

  it('records respond() at the response_url and posts in_channel answers', async () => {
    const res = await sim.command('respond', { user: ALICE, channel: 'C2RESP' });
    const hit = await waitFor(() => standin.responses.find((r) => r.url === res.responseUrl));
    expect(hit).toMatchObject({ status: 200, body: { response_type: 'in_channel', text: 'done' } });
    expect(standin.history('C2RESP').map((m) => m.text)).toEqual(['done']);
  });

  it('limits a response_url to 5 uses and 30 minutes', async () => {
    const post = (url: string) => fetch(url, { method: 'POST', body: JSON.stringify({ text: 'hi' }) });
    const url = standin.issueResponseUrl('commands', { user: ALICE, channel: OPS });
    for (let i = 0; i < 5; i++) expect((await post(url)).status).toBe(200);
    const sixth = await post(url);
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);
    const old = standin.issueResponseUrl('commands', { user: ALICE, channel: OPS });
    skewMs += 31 * 60_000;
    const late = await post(old);
    expect([late.status, await late.text()]).toEqual([404, 'expired_url']);
  });

  it('sends a button click with the stored message and applies replace_original', async () => {
    const posted = await app.client.chat.postMessage({
      channel: 'C3BTN',
      text: 'Reboot?',
      blocks: [button('approve', 'yes')],
    });
    const stored = standin.message('C3BTN', posted.ts!)!;
    const blockId = stored.blocks[0]!.block_id;
    expect(blockId).toBeTruthy();
    const res = await sim.clickButton({
      user: ALICE,
      channel: 'C3BTN',
      messageTs: posted.ts!,
      actionId: 'approve',
    });
    expect(res.status).toBe(200);
    expect(seen.action!.at(-1)).toMatchObject({
      type: 'block_actions',
      container: { type: 'message', message_ts: posted.ts, channel_id: 'C3BTN' },
      message: { ts: posted.ts, text: 'Reboot?' },
      actions: [{ action_id: 'approve', block_id: blockId, value: 'yes', type: 'button' }],
    });
    await waitFor(() => stored.edits === 1);
    expect(stored.text).toBe('Approved');
  });

  it('shows a command ack as an ephemeral that a click can replace through its response_url', async () => {
    const res = await sim.command('page', { user: ALICE, channel: 'C3EPH' });
    const eph = standin.ephemerals.find((e) => e.ts === res.ackTs);
    expect(eph).toMatchObject({ channel: 'C3EPH', user: ALICE, text: 'page 1', via: 'ack', edits: 0 });
    const click = {
      user: ALICE,
      channel: 'C3EPH',
      messageTs: res.ackTs!,
      actionId: 'page_next',
      ephemeral: true,
    };
    await sim.clickButton(click);
    await waitFor(() => eph?.edits === 1);
    expect(eph?.text).toBe('page 2');
    expect(standin.history('C3EPH')).toEqual([]);
  });

  it('surfaces an injected Slack error as a WebAPIPlatformError', async () => {
    standin.inject('chat.postMessage', { error: 'channel_not_found' });
    await expect(app.client.chat.postMessage({ channel: 'C4ERR', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'channel_not_found' },
    });
    expect(standin.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', error: 'channel_not_found' });
  });

  it('lets WebClient retry an injected 500 and honor an injected 429', async () => {
    standin.inject('chat.postMessage', { status: 500 });
    standin.inject('chat.postMessage', { status: 429, retryAfter: 1 });
    const before = standin.count429;
    const started = Date.now();
    await Promise.all([
      app.client.chat.postMessage({ channel: 'C5RETRY', text: 'after 500' }),
      app.client.chat.postMessage({ channel: 'C5LIMIT', text: 'after 429' }),
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(standin.history('C5RETRY').map((m) => m.text)).toEqual(['after 500']);
    expect(standin.history('C5LIMIT').map((m) => m.text)).toEqual(['after 429']);
    expect(standin.count429).toBe(before + 1);
  });

  it('rate-limits chat.update at 50/min with Retry-After', async () => {
    skewMs += 61_000; // a fresh window
    const client = webClient({ rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    const { ts } = await client.chat.postMessage({ channel: 'C6UPD', text: 'v0' });
    const results = await Promise.allSettled(
      Array.from({ length: 55 }, (_, i) =>
        client.chat.update({ channel: 'C6UPD', ts: ts!, text: `v${i + 1}` }),
      ),
    );
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    expect(rejected).toHaveLength(5);
    expect(rejected[0]).toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    expect(rejected[0].retryAfter).toBeGreaterThanOrEqual(1);
    expect(standin.callsPerWindow('chat.update', 60_000, { acceptedOnly: true })).toBe(50);
    skewMs += 61_000;
  });

  it('limits chat.postMessage per channel to a burst, then 1/s', async () => {
    const client = webClient({ rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    const post = (channel: string) => client.chat.postMessage({ channel, text: 'burst' });
    for (let i = 0; i < 3; i++) await post('C7BURST');
    await expect(post('C7BURST')).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 1,
    });
    await post('C7OTHER'); // another channel has its own bucket
    skewMs += 1000;
    await post('C7BURST');
    expect(standin.history('C7BURST')).toHaveLength(4);
  });

  it('accepts a trigger_id once and within its life', async () => {
    const res = await sim.command('modal', { user: ALICE, channel: OPS });
    const opened = (await waitFor(() => seen.opened!.at(-1))) as { view: { id: string } };
    expect(opened).toMatchObject({
      ok: true,
      view: { callback_id: 'deploy_form', type: 'modal', previous_view_id: null },
    });
    expect(standin.views.get(opened.view.id)?.root_view_id).toBe(opened.view.id);
    const open = (trigger_id: string) => app.client.views.open({ trigger_id, view: modal });
    await expect(open(res.triggerId)).rejects.toMatchObject({ data: { error: 'exchanged_trigger_id' } });
    const old = standin.issueTriggerId();
    skewMs += 3001;
    await expect(open(old)).rejects.toMatchObject({ data: { error: 'expired_trigger_id' } });
    await expect(open('1.2.nope')).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
  });

  it('round-trips a view_submission whose ack has response_action errors', async () => {
    const { view } = await app.client.views.open({ trigger_id: standin.issueTriggerId(), view: modal });
    const res = await sim.submitView({
      user: ALICE,
      viewId: view!.id!,
      values: { target: 'web-9', env: 'prod' },
    });
    expect(res.json).toEqual({ response_action: 'errors', errors: { target: 'Unknown guest' } });
    expect(seen.view!.at(-1)).toMatchObject({
      target: { target_input: { type: 'plain_text_input', value: 'web-9' } },
      env: { env_select: { type: 'static_select', selected_option: { value: 'prod' } } },
    });
  });

  it('delivers app_home_opened and a click on the published Home view', async () => {
    const res = await sim.event({ type: 'app_home_opened', user: ALICE, channel: 'D1ALICE', tab: 'home' });
    expect(res.status).toBe(200);
    await waitFor(() => standin.homes.get(ALICE));
    await sim.clickHomeButton({ user: ALICE, actionId: 'home_refresh' });
    expect(seen.home!.at(-1)).toMatchObject({
      container: { type: 'view' },
      actions: [{ action_id: 'home_refresh' }],
    });
  });

  it('answers Web API errors like Slack', async () => {
    const client = webClient({ retryConfig: { retries: 0 } });
    expect(await error(client.apiCall('nope.nothing'))).toBe('unknown_method');
    expect(await error(client.apiCall('constructor'))).toBe('unknown_method');
    expect((await fetch(`${standin.baseUrl}elsewhere`, { method: 'POST' })).status).toBe(404);
    expect(await error(webClient({}, 'xoxb-wrong').auth.test())).toBe('invalid_auth');
    expect(await error(webClient({}, 'xapp-test').apps.connections.open())).toBe('ok');
    expect(await error(client.apps.connections.open())).toBe('not_allowed_token_type');
    expect(await error(client.chat.postMessage({ channel: 'C8ERR' } as never))).toBe('no_text');
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(await error(client.chat.postMessage({ channel: 'C8ERR', text: 'x', blocks: many }))).toBe(
      'invalid_blocks',
    );
    const human = standin.seedMessage('C8ERR', { user: ALICE, text: 'mine' });
    expect(await error(client.chat.update({ channel: 'C8ERR', ts: human.ts, text: 'x' }))).toBe(
      'cant_update_message',
    );
    expect(await error(client.chat.update({ channel: 'C8ERR', ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    const home = { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] };
    expect(await error(client.views.publish({ user_id: ALICE, view: home as never }))).toBe(
      'invalid_arguments',
    );
    expect(await error(client.views.update({ view_id: 'VNOPE', view: modal as never }))).toBe('not_found');
    const eph = await client.chat.postEphemeral({ channel: 'C8ERR', user: ALICE, text: 'psst' });
    expect(standin.ephemerals.at(-1)).toMatchObject({ ts: eph.message_ts, user: ALICE, text: 'psst' });
    expect((await client.users.info({ user: ALICE })).user).toMatchObject({ id: ALICE, is_bot: false });
    expect((await client.conversations.info({ channel: OPS })).channel).toMatchObject({
      id: OPS,
      is_member: true,
    });
  });

  it('takes a files.uploadV2 upload through the upload URL', async () => {
    const client = webClient({ retryConfig: { retries: 0 } });
    const bytes = Buffer.from('guest web-1 console log\n');
    await client.files.uploadV2({
      channel_id: 'C8FILE',
      file: bytes,
      filename: 'web-1.log',
      title: 'web-1 log',
    });
    const [file] = [...standin.files.values()];
    expect(file).toMatchObject({
      filename: 'web-1.log',
      title: 'web-1 log',
      channel: 'C8FILE',
      completed: true,
    });
    expect(file?.bytes?.toString()).toBe(bytes.toString());
  });

  it('knows only configured channels when given a list', async () => {
    const strict = await startSlackStandin({
      channels: ['C1IN', 'C2OUT'],
      notInChannel: ['C2OUT'],
      limits: false,
    });
    try {
      const client = new WebClient(TOKEN, {
        slackApiUrl: strict.apiUrl,
        logger: quiet,
        retryConfig: { retries: 0 },
      });
      const post = (channel: string) => error(client.chat.postMessage({ channel, text: 'x' }));
      expect(await Promise.all(['C1IN', 'C2OUT', 'C3NONE'].map(post))).toEqual([
        'ok',
        'not_in_channel',
        'channel_not_found',
      ]);
    } finally {
      await strict.close();
    }
  });
});

describe('Slack stand-in Socket Mode', () => {
  it('connects a Bolt app and returns the ack payload of a slash command envelope', async () => {
    const sockApp = new App({
      socketMode: true,
      appToken: 'xapp-test',
      token: TOKEN,
      clientOptions: { slackApiUrl: standin.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    sockApp.command('/vps', async ({ command, ack }) => ack({ text: `socket: ${command.text}` }));
    try {
      await sockApp.start();
      await standin.socket.connected();
      const ack = await sim.commandViaSocket('status web-1', { user: ALICE, channel: OPS });
      expect(ack).toEqual({ text: 'socket: status web-1' });
      expect(standin.calls.filter((c) => c.method === 'apps.connections.open').at(-1)).toMatchObject({
        status: 200,
        token: 'xapp-test',
      });
    } finally {
      await sockApp.stop();
    }
  });
});
