/**
 * The create modal: a form for `/vps create` that shows what each host has free. Its submission is
 * read in create-submission.ts.
 */

import type { Config } from '../../config/schema.js';
import { formatSize } from '../../model/units.js';
import type { ContextBlock, SectionBlock } from '../view/blocks.js';
import { clip, LIMITS } from './limits.js';

/** Plain text, the only kind Slack allows in labels, options and placeholders. */
export interface PlainText {
  type: 'plain_text';
  text: string;
}
/** An entry of a select menu. */
export interface Option {
  text: PlainText;
  value: string;
}
/** A single-choice menu with a fixed list of options. */
export interface StaticSelect {
  type: 'static_select';
  action_id: string;
  options: Option[];
  /** Must be one of `options`, identical in text and value, or Slack rejects the view. */
  initial_option?: Option;
  placeholder?: PlainText;
}
/** A one-line text field. */
export interface PlainTextInput {
  type: 'plain_text_input';
  action_id: string;
  initial_value?: string;
  placeholder?: PlainText;
  min_length?: number;
  max_length?: number;
}
/** A labelled form field; its value comes back under `state.values[block_id][action_id]`. */
export interface InputBlock {
  type: 'input';
  block_id: string;
  label: PlainText;
  element: StaticSelect | PlainTextInput;
  hint?: PlainText;
  optional?: boolean;
}
/** A modal view as `views.open` takes it. */
export interface ModalView {
  type: 'modal';
  callback_id: string;
  private_metadata: string;
  title: PlainText;
  submit: PlainText;
  close: PlainText;
  blocks: Array<InputBlock | SectionBlock | ContextBlock>;
}

/** A host offered in the modal; `free` comes from `allocation()` when the host registered. */
export interface ModalHost {
  name: string;
  kind: string;
  up: boolean;
  free?: { cpus: number; memoryBytes: number; diskBytes: number };
}

/** What the modal is built from. */
export interface CreateModalInput {
  hosts: ModalHost[];
  plans: Config['plans'];
  defaultPlan: string;
  defaultTemplate: string;
  /** Templates to choose from; empty gives a text field instead of a menu. */
  templates: string[];
  /** Where the job message goes; carried in private_metadata. */
  channel: string;
  /** Defaults to `vps_create`. */
  callbackId?: string;
}

/** `callback_id` of the create modal: `app.view(CREATE_CALLBACK_ID, …)` handles its submission. */
export const CREATE_CALLBACK_ID = 'vps_create';

/** block_id and action_id of each input; the submission parser reads exactly these. */
export const CREATE_BLOCKS = {
  host: { block: 'host', action: 'host_select' },
  plan: { block: 'plan', action: 'plan_select' },
  template: { block: 'template', action: 'template_select', textAction: 'template_input' },
  name: { block: 'name', action: 'name_input' },
} as const;

/** How a guest name may be written, shown under the name input and in its error. */
export const NAME_HINT = "letters, digits, '.', '_' and '-'";

const plain = (text: string, max: number = LIMITS.sectionText): PlainText => ({
  type: 'plain_text',
  text: clip(text, max),
});
const option = (text: string, value: string): Option => ({ text: plain(text, LIMITS.optionText), value });

const sizes = (f: { cpus: number; memoryBytes: number; diskBytes: number }): string =>
  `${f.cpus} vCPU, ${formatSize(f.memoryBytes)} RAM, ${formatSize(f.diskBytes)} disk`;

/**
 * `kvm-1 (kvm) · 6 vCPU, 20G RAM, 300G disk free`, within Slack's 75 characters. A long host name
 * is shortened before the figures are, since the figures are the point of the menu.
 */
export function hostOptionText(h: ModalHost): string {
  const what = !h.up ? 'not reporting' : h.free ? `${sizes(h.free)} free` : 'capacity unknown';
  const tail = ` · ${what}`;
  for (const label of [`${h.name} (${h.kind})`, h.name]) {
    if (label.length + tail.length <= LIMITS.optionText) return label + tail;
  }
  const room = LIMITS.optionText - tail.length;
  return room >= 8 ? clip(h.name, room) + tail : clip(h.name + tail, LIMITS.optionText);
}

function select(actionId: string, options: Option[], initial?: string, placeholder?: string): StaticSelect {
  const el: StaticSelect = { type: 'static_select', action_id: actionId, options };
  const init = options.find((o) => o.value === initial);
  if (init) el.initial_option = init;
  if (placeholder) el.placeholder = plain(placeholder, LIMITS.placeholder);
  return el;
}

const input = (block: string, label: string, element: StaticSelect | PlainTextInput, hint?: string) => {
  const b: InputBlock = { type: 'input', block_id: block, label: plain(label, 2000), element };
  if (hint) b.hint = plain(hint, 2000);
  return b;
};

function hostBlock(hosts: ModalHost[]): InputBlock {
  // Slack takes 100 options; hosts that report come first so the ones people can use are there.
  const ordered = [...hosts.filter((h) => h.up), ...hosts.filter((h) => !h.up)];
  const shown = ordered.slice(0, LIMITS.selectOptions);
  const options = shown.map((h) => option(hostOptionText(h), h.name));
  const only = hosts.length === 1 ? hosts[0]!.name : undefined;
  const hint =
    hosts.length > shown.length
      ? `${hosts.length - shown.length} more hosts: use /vps create host=…`
      : undefined;
  const { block, action } = CREATE_BLOCKS.host;
  return input(block, 'Host', select(action, options, only, 'Choose a host'), hint);
}

function planBlock(plans: Config['plans'], defaultPlan: string): InputBlock {
  const options = Object.entries(plans)
    .slice(0, LIMITS.selectOptions)
    .map(([name, p]) =>
      option(`${name} · ${sizes({ cpus: p.vcpus, memoryBytes: p.memory, diskBytes: p.disk })}`, name),
    );
  const { block, action } = CREATE_BLOCKS.plan;
  return input(block, 'Plan', select(action, options, defaultPlan, 'Choose a size'));
}

function templateBlock(templates: string[], defaultTemplate: string): InputBlock {
  const { block, action, textAction } = CREATE_BLOCKS.template;
  // A menu holds at most 100 options; past that people type the name.
  if (templates.length === 0 || templates.length > LIMITS.selectOptions) {
    const el: PlainTextInput = { type: 'plain_text_input', action_id: textAction };
    if (defaultTemplate) el.initial_value = defaultTemplate;
    el.placeholder = plain('e.g. debian-12-x86_64', LIMITS.placeholder);
    return input(block, 'Template', el, 'the OS template on the host');
  }
  const options = templates.map((t) => option(t, t));
  return input(block, 'Template', select(action, options, defaultTemplate, 'Choose a template'));
}

function nameBlock(): InputBlock {
  const el: PlainTextInput = {
    type: 'plain_text_input',
    action_id: CREATE_BLOCKS.name.action,
    min_length: 1,
    max_length: 63,
    placeholder: plain('e.g. shop-3', LIMITS.placeholder),
  };
  return input(CREATE_BLOCKS.name.block, 'Name', el, NAME_HINT);
}

/**
 * The create modal for `views.open`. Its callback_id is `vps_create` (or `callbackId`) and its
 * private_metadata `{"channel": …}`, so the submission knows where to post the job message.
 */
export function createModal(input: CreateModalInput): ModalView {
  const blocks: ModalView['blocks'] = [];
  if (input.hosts.length) blocks.push(hostBlock(input.hosts));
  else blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'No hosts are configured.' }] });
  blocks.push(
    planBlock(input.plans, input.defaultPlan),
    templateBlock(input.templates, input.defaultTemplate),
    nameBlock(),
  );
  return {
    type: 'modal',
    callback_id: input.callbackId ?? CREATE_CALLBACK_ID,
    private_metadata: JSON.stringify({ channel: input.channel }),
    title: plain('Create a VPS', LIMITS.modalTitle),
    submit: plain('Create', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks,
  };
}
