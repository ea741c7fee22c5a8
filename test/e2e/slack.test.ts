/**
 * Slack end to end: a real Bolt app (vpsops bot) against the Slack stand-in, with real workers on
 * simulated OpenVZ hosts. Commands are signed like Slack signs them; what users would see is read
 * back from the stand-in's channel history.
 */
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/pipeline.js';
import { ALICE, BOB, CHANNEL, messageText, useSlackStack } from '../helpers/slack.js';

const s = useSlackStack({
  hosts: {
    'vz-1': {
      containers: [
        { ctid: 101, name: 'web-1', running: false },
        { ctid: 102, name: 'web-2', running: false },
        { ctid: 103, name: 'db-1', running: true },
        ...Array.from({ length: 40 }, (_, i) => ({
          ctid: 200 + i,
          name: `shop-${i}`,
          running: i % 2 === 0,
        })),
      ],
      delays: { start: 1_500 },
      // Room for the create form's new guest within the overcommit policy.
      memMiB: 256 * 1024,
    },
    'vz-2': {
      containers: [
        { ctid: 301, name: 'line-1', running: false },
        { ctid: 302, name: 'line-2', running: false },
        { ctid: 303, name: 'line-3', running: false },
      ],
      // Long enough that the third start is still second in line when its message is posted,
      // even when the channel's post budget makes that wait a few seconds.
      delays: { start: 5_000 },
      workerConfig: { worker: { concurrency: 1 } },
    },
  },
});

describe('slash commands', () => {
  it('answers help ephemerally in the ack, within Slack’s 3 s', async () => {
    const r = await s.command('help');
    expect(r.status).toBe(200);
    expect(r.json?.response_type).toBe('ephemeral');
    expect(messageText(r.json as never)).toContain('start');
    expect(r.ms).toBeLessThan(3_000);
  });

  it('lists guests as Block Kit and pages a long list with a Next button', async () => {
    const r = await s.command('list');
    const blocks = r.json?.blocks as Array<{
      type: string;
      elements?: Array<{ action_id: string; value: string }>;
    }>;
    expect(r.json?.response_type).toBe('ephemeral');
    expect(blocks.some((b) => b.type === 'section')).toBe(true);
    const nav = blocks.find((b) => b.type === 'actions');
    const next = nav?.elements?.find((e) => e.action_id === 'page_next');
    expect(next, 'a Next button on page 1 of 2').toBeDefined();
    expect(messageText(r.json as never)).toContain('page 1 of 2');
  });

  it('refuses bad input ephemerally and enqueues nothing', async () => {
    const r = await s.command('strat web-1');
    expect(r.json?.response_type).toBe('ephemeral');
    expect(String(r.json?.text)).toContain('Unknown command "strat"');
    expect(await s.pipe.core.jobs.queue('vz-1').getJobCounts('waiting', 'active')).toEqual({
      waiting: 0,
      active: 0,
    });
  });

  it('start: one message in the channel, updated in place from queued to done', async () => {
    const r = await s.command('start web-1');
    expect(r.status).toBe(200);
    expect(r.body).toBe('');
    const [job] = (await s.pipe.core.jobs.recent({ hosts: ['vz-1'], limit: 1 })).map((f) => String(f.job.id));
    const done = await s.waitJobMessage(job!, (m) => messageText(m).includes('done'), { what: 'done' });
    expect(messageText(done)).toContain('web-1');
    expect(done.edits).toBeGreaterThanOrEqual(1);
    // One message for the job, however many updates.
    expect(s.standin.history(CHANNEL).filter((m) => messageText(m).includes(job!))).toHaveLength(1);
    expect(
      done.editHistory.some((e) => JSON.stringify(e).includes('▓') || JSON.stringify(e).includes('░')),
    ).toBe(true);
  });
});

describe('queue position', () => {
  it('a job behind others in its host’s line shows its place in line in its message', async () => {
    await waitUntil(async () => (await s.pipe.core.fleet.inventories(['vz-2'])).get('vz-2'), 10_000, 'vz-2');
    for (const g of ['line-1', 'line-2', 'line-3']) await s.command(`start ${g}`);
    const [third] = await s.pipe.core.jobs.recent({ hosts: ['vz-2'], limit: 1 });
    const id = String(third!.job.id);
    await s.waitJobMessage(id, () => true, { what: 'the first message' });
    // The third start waits for the worker's only slot: its message says it is second in line.
    await waitUntil(
      () =>
        s.standin.calls.some(
          (c) =>
            JSON.stringify(c.args).includes(id) && JSON.stringify(c.args).includes('queued (position 2)'),
        ),
      20_000,
      'queued (position 2) in the message',
    );
    await s.waitJobMessage(id, (m) => messageText(m).includes('done'), { timeoutMs: 30_000, what: 'done' });
  }, 60_000);
});

describe('request verification', () => {
  it('answers 401 to a bad signature and to a stale timestamp, and runs nothing', async () => {
    const queue = s.pipe.core.jobs.queue('vz-1');
    const total = async () => Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);
    const before = await total();
    const bad = await s.client.command('start web-2', { user: ALICE, channel: CHANNEL, badSignature: true });
    const stale = await s.client.command('start web-2', {
      user: ALICE,
      channel: CHANNEL,
      timestampOffsetSec: -301,
    });
    expect(bad.status).toBe(401);
    expect(stale.status).toBe(401);
    // Positive control: a good request sent after them is queued and run, and it is the only job
    // added; anything the refused two had started would have been queued before it.
    const good = await s.command('status web-2 refresh=yes');
    expect(good.status).toBe(200);
    const id = await newestJob();
    await waitUntil(async () => (await queue.getJob(id))?.finishedOn, 10_000, 'the good request to run');
    expect(await total()).toBe(before + 1);
    expect((await queue.getJob(id))!.data.request.op).toBe('status');
  });
});

/** The newest job id on vz-1 (the one a command just queued). */
async function newestJob(): Promise<string> {
  const [f] = await s.pipe.core.jobs.recent({ hosts: ['vz-1'], limit: 1 });
  return String(f!.job.id);
}

const hasText = (t: string) => (m: { text: string; blocks?: unknown[] }) =>
  messageText(m as never).includes(t);

describe('buttons', () => {
  it('a failed operation shows Retry; Retry by another person runs it again as their request', async () => {
    await s.pipe.host('vz-1').ctl.inject({
      action: 'start',
      ctid: 102,
      exitCode: 1,
      stderr: 'Unable to start: disk quota exceeded',
      times: 1,
    });
    await s.command('start web-2');
    const job = await newestJob();
    const failed = await s.waitJobMessage(job, hasText('failed'), { what: 'failed' });
    expect(messageText(failed)).toContain('job_retry');
    // Details of the failure go into the message's thread.
    await waitUntil(() => s.standin.replies(CHANNEL, failed.ts).length > 0, 5_000, 'the thread log');
    expect(messageText(s.standin.replies(CHANNEL, failed.ts)[0]!)).toContain('disk quota');

    const click = await s.client.clickButton({
      user: BOB,
      channel: CHANNEL,
      messageTs: failed.ts,
      actionId: 'job_retry',
    });
    expect(click.status).toBe(200);
    const retried = await waitUntil(
      () =>
        s.standin
          .history(CHANNEL)
          .find(
            (m) => m.ts !== failed.ts && hasText(`<@${BOB}>`)(m) && hasText('web-2')(m) && hasText('done')(m),
          ),
      15_000,
      'the retry’s own message, done',
    );
    expect(messageText(retried)).toContain('start');
    // A second click (a double click, or someone else) does not run the request a third time.
    const before = s.standin.responses.length;
    await s.client.clickButton({
      user: ALICE,
      channel: CHANNEL,
      messageTs: failed.ts,
      actionId: 'job_retry',
    });
    const said = await waitUntil(
      () => s.standin.responses.slice(before).at(0),
      5_000,
      'the answer to the 2nd click',
    );
    expect(JSON.stringify(said.body)).toContain('was already retried as job');
    expect(await s.pipe.host('vz-1').ctl.isRunning(102)).toBe(true);
  });

  it('Cancel on a running job aborts it and the message says cancelled', async () => {
    await s.pipe.host('vz-1').ctl.setDelay('stop', 8_000);
    await s.command('stop db-1');
    const job = await newestJob();
    const running = await s
      .waitJobMessage(job, hasText('▓'), { what: 'running' })
      .catch(() => s.waitJobMessage(job, hasText('░'), { what: 'running' }));
    await s.client.clickButton({
      user: ALICE,
      channel: CHANNEL,
      messageTs: running.ts,
      actionId: 'job_cancel',
    });
    const cancelled = await s.waitJobMessage(job, hasText('cancelled'), { what: 'cancelled' });
    expect(messageText(cancelled)).not.toContain('job_cancel');
    await s.pipe.host('vz-1').ctl.setDelay('stop', 0);
  });

  it('Next on a paged list replaces the ephemeral reply with page 2', async () => {
    const r = await s.command('list');
    const before = s.standin.responses.length;
    const blocks = (r.json?.blocks ?? []) as Array<{
      type: string;
      elements?: Array<{ action_id: string; value: string }>;
    }>;
    const next = blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id === 'page_next');
    expect(next).toBeDefined();
    // Slack shows the ack as an ephemeral message; the click on it carries a fresh response_url.
    const click = await s.client.clickButton({
      user: ALICE,
      channel: CHANNEL,
      messageTs: r.ackTs!,
      actionId: 'page_next',
      value: next!.value,
      ephemeral: true,
    });
    expect(click.status).toBe(200);
    await waitUntil(() => s.standin.responses.length > before, 5_000, 'the page 2 response');
    const page2 = s.standin.responses.at(-1)!;
    expect(page2.url).toBe(click.responseUrl);
    expect(page2.body.replace_original).toBe(true);
    expect(JSON.stringify(page2.body)).toContain('page 2 of 2');
    expect(JSON.stringify(page2.body)).toContain('page_prev');
  });
});

describe('create form', () => {
  it('opens on /vps create, shows a bad name on its field, then creates and posts in the channel', async () => {
    const r = await s.command('create');
    expect(r.status).toBe(200);
    const view = await waitUntil(
      () => [...s.standin.views.values()].find((v) => v.callback_id === 'vps_create'),
      5_000,
      'the modal',
    );
    expect(JSON.stringify(view.blocks)).toContain('vz-1');
    expect(JSON.stringify(view.blocks)).toMatch(/free/);

    const bad = await s.client.submitView({
      user: ALICE,
      viewId: view.id,
      values: { host: 'vz-1', plan: 'small', template: 'debian-12-x86_64', name: 'web-1' },
    });
    expect(bad.json).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify((bad.json as { errors: Record<string, string> }).errors.name)).toContain(
      'already exists',
    );

    const good = await s.client.submitView({
      user: ALICE,
      viewId: view.id,
      values: { host: 'vz-1', plan: 'small', template: 'debian-12-x86_64', name: 'shop-new' },
    });
    expect(good.status).toBe(200);
    expect(good.body).toBe('');
    const msg = await waitUntil(
      () =>
        s.standin
          .history(CHANNEL)
          .find((m) => hasText('shop-new')(m) && hasText('create')(m) && hasText('done')(m)),
      20_000,
      'the create job message, done',
    );
    expect(messageText(msg)).toContain('shop-new');
  });
});

describe('App Home', () => {
  it('publishes the fleet with allocation bars and the viewer’s jobs when opened', async () => {
    const r = await s.client.event({
      type: 'app_home_opened',
      user: ALICE,
      channel: 'D0ALICE',
      tab: 'home',
      event_ts: '1.1',
    });
    expect(r.status).toBe(200);
    const home = await waitUntil(() => s.standin.homes.get(ALICE), 5_000, 'the home view');
    const text = JSON.stringify(home.blocks);
    expect(text).toContain('vz-1');
    expect(text).toMatch(/CPU/);
    expect(text).toMatch(/[▓░]/);
    expect(text).toContain('web-1');
  });
});
