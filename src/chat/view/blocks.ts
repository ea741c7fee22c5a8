/**
 * The subset of Slack Block Kit vpsops sends. Every reply is built from these, for Slack and for
 * the terminal (which renders them to text in chat/render.ts), so both say the same thing.
 */

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

export interface ButtonElement {
  type: 'button';
  text: TextObject;
  action_id: string;
  value?: string;
  style?: 'primary' | 'danger';
}

export interface HeaderBlock {
  type: 'header';
  text: TextObject;
}
export interface SectionBlock {
  type: 'section';
  text?: TextObject;
  fields?: TextObject[];
  accessory?: ButtonElement;
  block_id?: string;
}
export interface ContextBlock {
  type: 'context';
  elements: TextObject[];
}
export interface DividerBlock {
  type: 'divider';
}
export interface ActionsBlock {
  type: 'actions';
  elements: ButtonElement[];
  block_id?: string;
}

export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock;

const md = (text: string): TextObject => ({ type: 'mrkdwn', text });

export const header = (text: string): HeaderBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: text.slice(0, 150) },
});
export const section = (text: string, fields?: string[]): SectionBlock =>
  fields?.length
    ? { type: 'section', text: md(text), fields: fields.slice(0, 10).map(md) }
    : { type: 'section', text: md(text) };
export const fieldsOnly = (fields: string[]): SectionBlock => ({
  type: 'section',
  fields: fields.slice(0, 10).map(md),
});
export const context = (...lines: string[]): ContextBlock => ({ type: 'context', elements: lines.map(md) });
export const divider = (): DividerBlock => ({ type: 'divider' });
export const button = (
  label: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
): ButtonElement => ({
  type: 'button',
  text: { type: 'plain_text', text: label },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});
export const actions = (...elements: ButtonElement[]): ActionsBlock => ({ type: 'actions', elements });

/** A text progress bar that reads the same in Slack and a terminal: `▓▓▓▓▓░░░░░ 50%`. */
export function progressBar(pct: number, width = 10): string {
  const p = Math.max(0, Math.min(100, Math.round(pct)));
  const full = Math.round((p / 100) * width);
  return `${'▓'.repeat(full)}${'░'.repeat(width - full)} ${p}%`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack refuses a section text over 3000 characters: split lines into as many sections as needed. */
export function sectionsOf(lines: string[], max = 2900): SectionBlock[] {
  const out: SectionBlock[] = [];
  let cur: string[] = [];
  let len = 0;
  for (const line of lines) {
    const l = line.length > max ? `${line.slice(0, max - 1)}…` : line;
    if (cur.length && len + l.length + 1 > max) {
      out.push(section(cur.join('\n')));
      cur = [];
      len = 0;
    }
    cur.push(l);
    len += l.length + 1;
  }
  if (cur.length) out.push(section(cur.join('\n')));
  return out;
}

/** A Slack user id becomes a mention (`<@U123>`); other names (terminal users) stay as they are. */
export function userRef(user: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(user) ? `<@${user}>` : escapeMrkdwn(user);
}

/** A time that Slack shows in each reader's own zone (`<!date^…>`), with UTC as the fallback text. */
export function slackDate(ms: number): string {
  const iso = new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${iso}>`;
}
