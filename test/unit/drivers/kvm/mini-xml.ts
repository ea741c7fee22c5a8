/**
 * A tiny, strict XML reader for tests: enough to prove a generated domain XML is well-formed
 * (matching tags, quoted attributes, no bare `&` or `<`, known entities only) and to read values back
 * unescaped. Not a general parser: no DTDs, no namespaces resolution.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
const ATTR_RE = new RegExp(`\\s+(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'y');

/** Replaces entity and character references; throws on a bare `&` or an unknown entity. */
export function decodeEntities(s: string): string {
  return s.replace(/&([^;&\s]*);?/g, (all, ref: string) => {
    if (!all.endsWith(';')) throw new Error(`bare & in "${s}"`);
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const v = ENTITIES[ref];
    if (v === undefined) throw new Error(`unknown entity &${ref};`);
    return v;
  });
}

function parseTag(xml: string, at: number): { el: XmlElement; end: number; selfClosing: boolean } {
  const m = new RegExp(`<(${NAME})`, 'y');
  m.lastIndex = at;
  const open = m.exec(xml);
  if (!open?.[1]) throw new Error(`bad tag at ${at}`);
  const el: XmlElement = { name: open[1], attrs: {}, children: [], text: '' };
  let i = m.lastIndex;
  for (;;) {
    ATTR_RE.lastIndex = i;
    const a = ATTR_RE.exec(xml);
    if (!a?.[1]) break;
    if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
    el.attrs[a[1]] = decodeEntities(a[2] ?? a[3] ?? '');
    i = ATTR_RE.lastIndex;
  }
  const close = /\s*(\/?)>/y;
  close.lastIndex = i;
  const c = close.exec(xml);
  if (!c) throw new Error(`unterminated tag <${el.name}> at ${at}`);
  return { el, end: close.lastIndex, selfClosing: c[1] === '/' };
}

/** Parses a document with one root element; throws on anything not well-formed. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skip = (open: string, close: string) => {
    const end = xml.indexOf(close, i + open.length);
    if (end < 0) throw new Error(`unterminated ${open}`);
    i = end + close.length;
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (text.includes('>') && /\]\]>/.test(text)) throw new Error(']]> in text');
    const top = stack[stack.length - 1];
    if (top) top.text += decodeEntities(text);
    else if (text.trim() !== '') throw new Error('text outside the root element');
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<?', i)) skip('<?', '?>');
    else if (xml.startsWith('<!--', i)) skip('<!--', '-->');
    else if (xml.startsWith('</', i)) {
      const m = new RegExp(`</(${NAME})\\s*>`, 'y');
      m.lastIndex = i;
      const end = m.exec(xml);
      const open = stack.pop();
      if (!end || !open || end[1] !== open.name) throw new Error(`mismatched close at ${i}`);
      i = m.lastIndex;
    } else {
      const { el, end, selfClosing } = parseTag(xml, i);
      if (root && stack.length === 0) throw new Error('second root element');
      (stack[stack.length - 1]?.children ?? []).push(el);
      root ??= el;
      if (!selfClosing) stack.push(el);
      i = end;
    }
  }
  if (!root || stack.length > 0) throw new Error('unclosed elements');
  return root;
}

/** The first element along a path of names (`devices/disk/source`). */
export function find(el: XmlElement, path: string): XmlElement | undefined {
  let cur: XmlElement | undefined = el;
  for (const part of path.split('/')) cur = cur?.children.find((c) => c.name === part);
  return cur;
}
