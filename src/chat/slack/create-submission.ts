/**
 * A create modal's submission: read back from `view.state.values`, turned into the command text the
 * pipeline already understands, and the pipeline's refusal turned into messages under the inputs.
 */
import { NAME_RE } from '../../ops/args.js';
import { NAME_HINT } from './create-modal.js';
import { clip } from './limits.js';

/** The fields of a create submission, absent when left empty. */
export interface CreateFields {
  host?: string;
  plan?: string;
  template?: string;
  name?: string;
}

const FIELDS = ['host', 'plan', 'template', 'name'] as const;

/** One input's value in `view.state.values`, as Slack sends it. */
export interface StateValue {
  type: string;
  value?: string | null;
  selected_option?: { value: string } | null;
}

/** Reads a create submission's `view.state.values`; empty or missing inputs are left out. */
export function readCreateSubmission(values: Record<string, Record<string, StateValue>>): CreateFields {
  const out: CreateFields = {};
  for (const field of FIELDS) {
    // Read whichever element the block holds: the template is a menu or a text field.
    for (const v of Object.values(values?.[field] ?? {})) {
      const raw = v?.selected_option?.value ?? v?.value;
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (text) {
        out[field] = text;
        break;
      }
    }
  }
  return out;
}

/** A value quoted for the command grammar when it holds spaces or quotes. */
function quote(v: string): string {
  if (!/[\s"'“”]/.test(v)) return v;
  // Inside "…" only `"` is special; each one is closed, emitted as '"' and reopened.
  return `"${v.replace(/"/g, `"'"'"`)}"`;
}

/** The equivalent command: `create <name> host=<h> plan=<p> template=<t>`, absent fields left out. */
export function createCommandText(fields: CreateFields): string {
  const parts = ['create'];
  if (fields.name) parts.push(quote(fields.name));
  for (const key of ['host', 'plan', 'template'] as const) {
    const v = fields[key];
    if (v) parts.push(`${key}=${quote(v)}`);
  }
  return parts.join(' ');
}

/**
 * Checks the modal can answer before the command runs: the name is required and must be a name
 * (a name such as `host=x` would otherwise be read as an argument). `{block_id: message}` or undefined.
 */
export function checkCreateFields(fields: CreateFields): Record<string, string> | undefined {
  if (!fields.name) return { name: 'Give the new guest a name.' };
  if (!NAME_RE.test(fields.name))
    return { name: `Use ${NAME_HINT}, at most 63, starting with a letter or digit.` };
  return undefined;
}

// The pipeline's field names mapped to the modal's blocks: the name is the create's target word,
// and vcpus/memory/disk come from the plan the modal offers.
const FIELD_BLOCK = new Map<string, (typeof FIELDS)[number]>([
  ['host', 'host'],
  ['plan', 'plan'],
  ['template', 'template'],
  ['name', 'name'],
  ['word', 'name'],
  ['vcpus', 'plan'],
  ['memory', 'plan'],
  ['disk', 'plan'],
]);
const MAX_ERROR = 300;

/**
 * An error for `response_action: 'errors'`: `{<block_id>: message}` when `err.field` names an input
 * of the modal, else undefined (show the error another way). `fields` is the submission: without a
 * host the modal had no host input (no hosts configured), and Slack refuses errors for absent blocks.
 */
export function fieldErrors(
  err: { field?: string; userMessage: string },
  fields: CreateFields,
): Record<string, string> | undefined {
  const block = err.field ? FIELD_BLOCK.get(err.field) : undefined;
  if (!block || (block === 'host' && fields.host === undefined)) return undefined;
  return { [block]: clip(err.userMessage, MAX_ERROR) };
}

/** The channel a modal was opened from, from its private_metadata; never throws. */
export function privateMetadata(view: { private_metadata?: string | null } | null | undefined): {
  channel?: string;
} {
  try {
    const data: unknown = JSON.parse(view?.private_metadata ?? '');
    if (
      data &&
      typeof data === 'object' &&
      'channel' in data &&
      typeof data.channel === 'string' &&
      data.channel
    )
      return { channel: data.channel };
  } catch {
    // Not ours or damaged: the caller falls back to the user's DM.
  }
  return {};
}
