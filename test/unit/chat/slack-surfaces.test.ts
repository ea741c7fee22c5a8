import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../jobs/index.js';
import {
  type CreateModalInput,
  createModal,
  hostOptionText,
  type InputBlock,
  type ModalView,
  type StaticSelect,
} from '../../../src/chat/slack/create-modal.js';
import {
  checkCreateFields,
  createCommandText,
  fieldErrors,
  privateMetadata,
  readCreateSubmission,
  type StateValue,
} from '../../../src/chat/slack/create-submission.js';
import { allocationBar, type HomeHost, type HomeJob, homeView } from '../../../src/chat/slack/home.js';
import type { Block } from '../../../src/chat/view/blocks.js';
import { renderBlocks } from '../../../src/chat/view/text.js';
import type { Guest } from '../../../src/model/hypervisor.js';
import { parseCommand, tokenize } from '../../../src/ops/grammar.js';
import type { HostView } from '../../../src/store/fleet.js';

const G = 1024 ** 3;
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

function guest(name: string, state: Guest['state'], vcpus: number, memG: number, diskG: number): Guest {
  return { id: name, name, state, vcpus, memoryBytes: memG * G, diskBytes: diskG * G, ips: [] };
}

function hostView(
  name: string,
  opts: { up?: boolean; guests?: Guest[]; registered?: boolean } = {},
): HostView {
  const v: HostView = { name };
  if (opts.registered !== false) {
    v.registration = {
      host: name,
      kind: 'kvm',
      group: 'default',
      capacity: { cpus: 8, memoryBytes: 32 * G, swapBytes: 0, diskBytes: 500 * G },
      versions: {},
      pid: 1,
      startedAt: NOW - 86_400_000,
    };
    v.inventory = { host: name, at: NOW - 60_000, guests: opts.guests ?? [] };
    v.lastSeen = NOW - 5_000;
  }
  if (opts.up !== false && opts.registered !== false) v.lastBeat = NOW - 5_000;
  return v;
}

const home = (v: HostView, kind = 'kvm'): HomeHost => ({ view: v, kind, group: 'eu' });
const job = (id: string, ageMs: number, state = 'completed'): HomeJob => ({
  id,
  op: 'create',
  target: `shop-${id}`,
  host: 'kvm-1',
  state,
  at: NOW - ageMs,
});

describe('App Home', () => {
  it('shows each host with kind, group, state, allocation bars and guests by state', () => {
    const view = homeView({
      hosts: [
        home(
          hostView('kvm-1', {
            guests: [guest('web-1', 'running', 2, 8, 100), guest('db-1', 'stopped', 2, 8, 100)],
          }),
        ),
      ],
      jobs: [],
      user: 'U1',
      now: NOW,
    });
    expect(view.type).toBe('home');
    const text = renderBlocks(view.blocks);
    expect(text).toContain('Fleet');
    expect(text).toContain('kvm-1 · kvm · group eu · 🟢 up');
    expect(text).toContain('CPU     ▓▓▓▓▓░░░░░ 50% 4 / 8 vCPU');
    expect(text).toContain('RAM     ▓▓▓▓▓░░░░░ 50% 16G / 32G');
    expect(text).toContain('Disk    ▓▓▓▓░░░░░░ 40% 200G / 500G');
    expect(text).toContain('Guests  🟢 1 running · ⚪ 1 stopped');
    expect(text).toContain('No jobs yet');
    expect(text).toContain('updated 2025-01-15 12:00:00 UTC');
    expect(text.split('\n').at(-1)).toBe('[Refresh]');
  });

  it('an overcommitted host shows more than 100% and says so', () => {
    const big = [guest('a', 'running', 8, 30, 400), guest('b', 'running', 2, 12.24, 100)];
    const text = renderBlocks(
      homeView({ hosts: [home(hostView('kvm-1', { guests: big }))], jobs: [], user: 'U1', now: NOW }).blocks,
    );
    expect(text).toContain('▓▓▓▓▓▓▓▓▓▓ 125% (overcommitted)');
    expect(text).toContain('▓▓▓▓▓▓▓▓▓▓ 132% (overcommitted)');
    expect(allocationBar({ used: 0, total: 0 })).toBe('—');
  });

  it('a host that never registered says "never seen", a silent one says since when', () => {
    const text = renderBlocks(
      homeView({
        hosts: [
          home(hostView('vz-9', { registered: false }), 'openvz'),
          home(hostView('kvm-2', { up: false })),
        ],
        jobs: [],
        user: 'U1',
        now: NOW,
      }).blocks,
    );
    expect(text).toContain('vz-9 · openvz · group eu · ⚪ never seen');
    expect(text).toContain('kvm-2 · kvm · group eu · 🔴 not reporting since');
    expect(text).toContain('figures as of 1m ago');
  });

  it('lists the 10 newest jobs with op, target, host, state and age', () => {
    const jobs = Array.from({ length: 12 }, (_, i) => job(String(i), (i + 1) * 60_000));
    jobs.push(job('new', 1000, 'active'));
    const text = renderBlocks(homeView({ hosts: [], jobs, user: 'U1', now: NOW }).blocks);
    const lines = text.split('\n').filter((l) => l.includes(' on kvm-1 · '));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('▶️ create shop-new on kvm-1 · active · 1s ago · new');
    expect(lines[1]).toBe('✅ create shop-0 on kvm-1 · completed · 1m ago · 0');
    expect(text).toContain('No hosts are configured');
  });

  it('never exceeds 100 blocks, summarizes the rest and keeps silent hosts visible', () => {
    const hosts = Array.from({ length: 150 }, (_, i) =>
      home(hostView(`kvm-${i}`, { up: i !== 140, guests: [guest('g', 'running', 1, 1, 1)] })),
    );
    const view = homeView({ hosts, jobs: [job('1', 1000)], user: 'U1', now: NOW });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = renderBlocks(view.blocks);
    expect(text).toContain('kvm-140 · kvm');
    expect(text).toMatch(/\+57 more hosts not shown: 57 up, 0 not reporting, 57 guests/);
    expect(text).toContain('[Refresh]');
    expect(text).toContain('create shop-1 on kvm-1');
  });

  it('fits exactly 94 hosts without a summary line', () => {
    const hosts = Array.from({ length: 94 }, (_, i) => home(hostView(`h-${i}`)));
    const view = homeView({ hosts, jobs: [], user: 'U1', now: NOW });
    expect(view.blocks).toHaveLength(100);
    expect(renderBlocks(view.blocks)).not.toContain('more hosts not shown');
  });

  it('keeps section text within 3000 characters and has a home_refresh button', () => {
    const jobs = Array.from({ length: 10 }, (_, i) => ({ ...job(String(i), 1000), target: 'x'.repeat(400) }));
    const view = homeView({ hosts: [], jobs, user: 'U1', now: NOW });
    for (const b of view.blocks as Block[]) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    }
    const acts = view.blocks.find((b) => b.type === 'actions');
    expect(acts?.type === 'actions' && acts.elements[0]).toMatchObject({
      action_id: 'home_refresh',
      value: 'U1',
    });
  });
});

const plans = {
  small: { vcpus: 1, memory: 1 * G, disk: 20 * G },
  medium: { vcpus: 2, memory: 4 * G, disk: 80 * G },
};
const modalInput: CreateModalInput = {
  hosts: [
    { name: 'kvm-1', kind: 'kvm', up: true, free: { cpus: 6, memoryBytes: 20 * G, diskBytes: 300 * G } },
    { name: 'vz-1', kind: 'openvz', up: false, free: { cpus: 2, memoryBytes: 2 * G, diskBytes: 10 * G } },
  ],
  plans,
  defaultPlan: 'medium',
  defaultTemplate: 'debian-12',
  templates: ['debian-12', 'alma-9'],
  channel: 'C123',
};

const inputs = (v: ModalView) => v.blocks.filter((b): b is InputBlock => b.type === 'input');
const selectOf = (v: ModalView, id: string) =>
  inputs(v).find((b) => b.block_id === id)!.element as StaticSelect;

describe('create modal', () => {
  it('is a vps_create modal that remembers the channel', () => {
    const v = createModal(modalInput);
    expect(v).toMatchObject({ type: 'modal', callback_id: 'vps_create', submit: { text: 'Create' } });
    expect(v.close.text).toBe('Cancel');
    expect(v.title.text.length).toBeLessThanOrEqual(24);
    expect(privateMetadata(v)).toEqual({ channel: 'C123' });
    expect(createModal({ ...modalInput, callbackId: 'other' }).callback_id).toBe('other');
  });

  it('has the inputs the submission parser reads', () => {
    const v = createModal(modalInput);
    expect(inputs(v).map((b) => [b.block_id, b.element.action_id])).toEqual([
      ['host', 'host_select'],
      ['plan', 'plan_select'],
      ['template', 'template_select'],
      ['name', 'name_input'],
    ]);
    expect(inputs(v).at(-1)!.hint?.text).toBe("letters, digits, '.', '_' and '-'");
  });

  it('host options show what is free, and which hosts are not reporting', () => {
    const texts = selectOf(createModal(modalInput), 'host').options.map((o) => o.text.text);
    expect(texts).toEqual(['kvm-1 (kvm) · 6 vCPU, 20G RAM, 300G disk free', 'vz-1 (openvz) · not reporting']);
  });

  it('option texts stay within 75 characters and keep the figures', () => {
    const long = {
      name: `kvm-${'x'.repeat(60)}`,
      kind: 'kvm',
      up: true,
      free: { cpus: 128, memoryBytes: 1.5 * 1024 * G, diskBytes: 20 * 1024 * G },
    };
    const t = hostOptionText(long);
    expect(t.length).toBeLessThanOrEqual(75);
    expect(t).toMatch(/^kvm-x+… · 128 vCPU, 1\.5T RAM, 20T disk free$/);
    expect(hostOptionText({ name: 'kvm-1', kind: 'kvm', up: true })).toBe('kvm-1 (kvm) · capacity unknown');
  });

  it('plans show their size, the default plan preselected', () => {
    const plan = selectOf(createModal(modalInput), 'plan');
    expect(plan.options.map((o) => o.text.text)).toEqual([
      'small · 1 vCPU, 1G RAM, 20G disk',
      'medium · 2 vCPU, 4G RAM, 80G disk',
    ]);
    expect(plan.initial_option).toEqual(plan.options[1]);
  });

  it('templates: a menu with the default preselected, or a text field with it filled in', () => {
    const menu = selectOf(createModal(modalInput), 'template');
    expect(menu.initial_option?.value).toBe('debian-12');
    expect(
      selectOf(createModal({ ...modalInput, defaultTemplate: 'gone' }), 'template').initial_option,
    ).toBeUndefined();
    const field = inputs(createModal({ ...modalInput, templates: [] })).find(
      (b) => b.block_id === 'template',
    )!;
    expect(field.element).toMatchObject({
      type: 'plain_text_input',
      action_id: 'template_input',
      initial_value: 'debian-12',
    });
  });

  it('a single host is preselected; more than 100 are capped with reporting hosts first', () => {
    const one = selectOf(createModal({ ...modalInput, hosts: [modalInput.hosts[0]!] }), 'host');
    expect(one.initial_option?.value).toBe('kvm-1');
    const many = Array.from({ length: 120 }, (_, i) => ({ name: `h-${i}`, kind: 'kvm', up: i >= 100 }));
    const v = createModal({ ...modalInput, hosts: many });
    const sel = selectOf(v, 'host');
    expect(sel.options).toHaveLength(100);
    expect(sel.options[0]!.value).toBe('h-100');
    expect(inputs(v)[0]!.hint?.text).toContain('20 more hosts');
  });
});

/** state.values as Slack sends them for a filled-in modal. */
function submitted(name: string, template: StateValue): Record<string, Record<string, StateValue>> {
  return {
    host: { host_select: { type: 'static_select', selected_option: { value: 'kvm-1' } } },
    plan: { plan_select: { type: 'static_select', selected_option: { value: 'small' } } },
    template: { [template.type === 'static_select' ? 'template_select' : 'template_input']: template },
    name: { name_input: { type: 'plain_text_input', value: name } },
  };
}

describe('create submission', () => {
  it('round-trips through the command grammar to the same create', () => {
    const fields = readCreateSubmission(
      submitted(' shop-3 ', { type: 'static_select', selected_option: { value: 'alma-9' } }),
    );
    expect(fields).toEqual({ host: 'kvm-1', plan: 'small', template: 'alma-9', name: 'shop-3' });
    const text = createCommandText(fields);
    expect(text).toBe('create shop-3 host=kvm-1 plan=small template=alma-9');
    const cmd = parseCommand(text, catalogue);
    expect(cmd.op.name).toBe('create');
    expect(cmd.word).toBe('shop-3');
    expect(cmd.args).toMatchObject({ host: 'kvm-1', plan: 'small', template: 'alma-9' });
  });

  it('reads a typed template and leaves empty inputs out', () => {
    const values = submitted('', { type: 'plain_text_input', value: 'centos-7' });
    values.plan = { plan_select: { type: 'static_select', selected_option: null } };
    const fields = readCreateSubmission(values);
    expect(fields).toEqual({ host: 'kvm-1', template: 'centos-7' });
    expect(createCommandText(fields)).toBe('create host=kvm-1 template=centos-7');
    expect(readCreateSubmission({})).toEqual({});
  });

  it('quotes typed values so they cannot add arguments', () => {
    const template = 'x plan=big"\'“';
    expect(tokenize(createCommandText({ name: 'a', template }))).toEqual([
      { value: 'create' },
      { value: 'a' },
      { key: 'template', value: template },
    ]);
  });

  it('checks the name before anything runs', () => {
    expect(checkCreateFields({ host: 'kvm-1' })).toEqual({ name: 'Give the new guest a name.' });
    expect(checkCreateFields({ name: 'host=evil' })?.name).toContain("letters, digits, '.', '_' and '-'");
    expect(checkCreateFields({ name: 'shop-3' })).toBeUndefined();
  });

  it('maps an error to the input it is about', () => {
    const fields = { host: 'kvm-1', plan: 'small', name: 'shop-3' };
    expect(fieldErrors({ field: 'plan', userMessage: 'No plan named "x".' }, fields)).toEqual({
      plan: 'No plan named "x".',
    });
    expect(fieldErrors({ field: 'word', userMessage: 'exists' }, fields)).toEqual({ name: 'exists' });
    expect(fieldErrors({ field: 'memory', userMessage: 'too big' }, fields)).toEqual({ plan: 'too big' });
    expect(fieldErrors({ field: 'host', userMessage: 'down' }, { name: 'a' })).toBeUndefined();
    expect(fieldErrors({ userMessage: 'Redis is down' }, fields)).toBeUndefined();
    expect(fieldErrors({ field: 'constructor', userMessage: 'x' }, fields)).toBeUndefined();
    expect(fieldErrors({ field: 'name', userMessage: 'y'.repeat(500) }, fields)!.name!.length).toBe(300);
  });

  it('errors from the command grammar land under the input they are about', () => {
    const errorOf = (text: string) => {
      try {
        parseCommand(text, catalogue);
      } catch (err) {
        return err as { field?: string; userMessage: string };
      }
      throw new Error(`${text} parsed`);
    };
    const fields = { host: 'kvm-1', plan: 'small' };
    expect(Object.keys(fieldErrors(errorOf('create host=kvm-1 plan=small'), fields) ?? {})).toEqual(['name']);
    expect(Object.keys(fieldErrors(errorOf('create a template=-x'), fields) ?? {})).toEqual(['template']);
  });

  it('private_metadata that is not ours never throws', () => {
    expect(privateMetadata({ private_metadata: 'not json' })).toEqual({});
    expect(privateMetadata({ private_metadata: '{"channel":42}' })).toEqual({});
    expect(privateMetadata({ private_metadata: 'null' })).toEqual({});
    expect(privateMetadata({})).toEqual({});
    expect(privateMetadata(undefined)).toEqual({});
  });
});
