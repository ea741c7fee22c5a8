/**
 * Shell-style config files (`/etc/vz/conf/<CTID>.conf`, `vz.conf`, samples): `KEY="value"` lines.
 * Comments and unknown lines are kept as they are, like vzctl does when it saves a config.
 */

const ASSIGN_RE = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1);
  }
  return v;
}

/** An editable config file that round-trips untouched lines. */
export class ConfFile {
  private constructor(private lines: string[]) {}

  static parse(text: string): ConfFile {
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return new ConfFile(lines);
  }

  static empty(): ConfFile {
    return new ConfFile([]);
  }

  /** The value of KEY; the last assignment wins, as when the shell sources the file. */
  get(key: string): string | undefined {
    let value: string | undefined;
    for (const line of this.lines) {
      const m = ASSIGN_RE.exec(line);
      if (m && m[1] === key) value = unquote(m[2] ?? '');
    }
    return value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Sets KEY in place (first occurrence), drops duplicates, appends when new; undefined removes it. */
  set(key: string, value: string | undefined): void {
    let placed = false;
    const out: string[] = [];
    for (const line of this.lines) {
      const m = ASSIGN_RE.exec(line);
      if (!m || m[1] !== key) {
        out.push(line);
      } else if (!placed && value !== undefined) {
        out.push(`${key}="${value}"`);
        placed = true;
      }
    }
    if (!placed && value !== undefined) out.push(`${key}="${value}"`);
    this.lines = out;
  }

  /** Every assigned key, in file order. */
  keys(): string[] {
    const seen = new Set<string>();
    for (const line of this.lines) {
      const m = ASSIGN_RE.exec(line);
      if (m?.[1]) seen.add(m[1]);
    }
    return [...seen];
  }

  clone(): ConfFile {
    return new ConfFile([...this.lines]);
  }

  toString(): string {
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }
}
