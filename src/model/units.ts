/** Sizes (512M, 2G) and durations (90s, 2h) as people write them, parsed strictly. */

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([KMGTP])(?:i?B)?$/i;
const SIZE_FACTORS: Record<string, number> = {
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
  P: 1024 ** 5,
};
const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/i;
const DURATION_FACTORS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Bytes of a size such as `512M` or `2G` (binary units); undefined when it is not one. */
export function parseSize(text: string): number | undefined {
  const m = SIZE_RE.exec(text.trim());
  if (!m) return undefined;
  const factor = SIZE_FACTORS[m[2]!.toUpperCase()]!;
  return Math.round(Number(m[1]) * factor);
}

/** Milliseconds of a duration such as `90s` or `2h`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_FACTORS[m[2]!.toLowerCase()]!);
}

/** `2147483648` → `2G`, `1610612736` → `1.5G`; for replies and usage lines. */
export function formatSize(bytes: number): string {
  if (bytes <= 0) return '0';
  const units = ['P', 'T', 'G', 'M', 'K'] as const;
  for (const u of units) {
    const f = SIZE_FACTORS[u]!;
    if (bytes >= f) {
      const v = bytes / f;
      return `${Number.isInteger(v) ? v : Number(v.toFixed(1))}${u}`;
    }
  }
  return `${bytes}B`;
}

/** `90000` → `1m30s`, `1500` → `1.5s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, secs] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= secs) {
      parts.push(`${Math.floor(rest / secs)}${unit}`);
      rest %= secs;
    }
  }
  return parts.slice(0, 2).join('');
}
