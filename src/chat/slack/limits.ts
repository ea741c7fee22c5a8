/**
 * Slack's size limits for the surfaces vpsops builds (Block Kit reference pages), in one place.
 * Slack rejects a whole view over any one of them, so builders clip rather than trust their input.
 */

export const LIMITS = {
  /** Blocks in a modal or Home tab view. */
  viewBlocks: 100,
  /** A section's text, and a context element's text. */
  sectionText: 3000,
  /** A header's plain text. */
  headerText: 150,
  /** A modal's title, submit and close labels. */
  modalTitle: 24,
  /** An option's text in a select menu. */
  optionText: 75,
  /** An option's value. */
  optionValue: 150,
  /** Options in a static select. */
  selectOptions: 100,
  /** A placeholder. */
  placeholder: 150,
} as const;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `text` cut to at most `max` UTF-16 units with `…` at the end when cut. Cuts between graphemes so an
 * emoji or accented letter is never split into something Slack would reject or show as garbage.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out}…`;
}
