/**
 * Block Kit → plain text for the terminal and `vpsops exec`. Sections become paragraphs, fields
 * become aligned "label value" rows, buttons become `[Label]`, mrkdwn marks are stripped.
 */
import type { Block, TextObject } from './blocks.js';

/** Strips mrkdwn emphasis and entities; keeps `code` text, turns <url|label> into label. */
export function plain(t: TextObject | string): string {
  const text = typeof t === 'string' ? t : t.text;
  if (typeof t !== 'string' && t.type === 'plain_text') return text;
  return text
    .replace(/```\n?([\s\S]*?)\n?```/g, '$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<[@#]([A-Z0-9]+)>/g, '@$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function renderFields(fields: TextObject[]): string[] {
  // Fields are "*Label*\nvalue" pairs; show them as two aligned columns of label: value.
  const rows = fields.map((f) => {
    const [label, ...rest] = plain(f).split('\n');
    return rest.length ? [label ?? '', rest.join(' ')] : ['', label ?? ''];
  });
  const width = Math.max(0, ...rows.map(([l]) => l!.length));
  return rows.map(([l, v]) => (l ? `  ${l!.padEnd(width)}  ${v}` : `  ${v}`));
}

/** Renders blocks to lines of text (no trailing newline). */
export function renderBlocks(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'header':
        out.push(plain(b.text));
        break;
      case 'section':
        if (b.text) out.push(plain(b.text));
        if (b.fields) out.push(...renderFields(b.fields));
        if (b.accessory) out.push(`  [${plain(b.accessory.text)}]`);
        break;
      case 'context':
        out.push(b.elements.map(plain).join('  ·  '));
        break;
      case 'divider':
        out.push('────────────────────────────────────────');
        break;
      case 'actions':
        out.push(b.elements.map((e) => `[${plain(e.text)}]`).join(' '));
        break;
    }
  }
  return out.join('\n');
}
