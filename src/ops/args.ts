/**
 * Argument types for the command grammar. Each wraps a zod schema with what usage and help
 * need to show (a hint, a default, a line of help), and a precise message for bad values.
 */
import { z } from 'zod';
import { parseDuration, parseSize } from '../model/units.js';

/** Which config bound (limits.*) a value is checked against after parsing. */
export type LimitKey = 'vcpus' | 'memory' | 'disk';

export interface ArgSpec<T = unknown> {
  /** zod schema turning the raw string into the value; its messages are shown to users. */
  schema: z.ZodType<T, z.ZodTypeDef, string>;
  /** Shown in usage: `force=yes|no`, `memory=SIZE`. */
  hint: string;
  help: string;
  required: boolean;
  /** The default as a user would type it (for help); the parsed default is `defaultValue`. */
  defaultText?: string;
  defaultValue?: T;
  limit?: LimitKey;
}

interface Common<T> {
  help: string;
  required?: boolean;
  default?: T;
}

function spec<T>(
  schema: z.ZodType<T, z.ZodTypeDef, string>,
  hint: string,
  o: Common<T>,
  text?: string,
): ArgSpec<T> {
  const s: ArgSpec<T> = { schema, hint, help: o.help, required: o.required ?? false };
  if (o.default !== undefined) {
    s.defaultValue = o.default;
    s.defaultText = text ?? String(o.default);
  }
  return s;
}

const custom = (ctx: z.RefinementCtx, message: string) => {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  return z.NEVER;
};

export const yesNo = (o: Common<boolean>) =>
  spec(
    z.string().transform((v, ctx) => {
      const t = v.toLowerCase();
      if (['yes', 'y', 'true', 'on'].includes(t)) return true;
      if (['no', 'n', 'false', 'off'].includes(t)) return false;
      return custom(ctx, `expected yes or no, got "${v}"`);
    }),
    'yes|no',
    o,
    o.default === undefined ? undefined : o.default ? 'yes' : 'no',
  );

export const duration = (o: Common<number> & { defaultText?: string; min?: number; max?: number }) => {
  const min = o.min ?? 1000;
  const max = o.max ?? 86_400_000;
  return spec(
    z.string().transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) return custom(ctx, `"${v}" is not a duration; write it like 90s, 10m or 2h`);
      if (ms < min || ms > max)
        return custom(ctx, `${v} is out of range (${min / 1000}s to ${max / 3_600_000}h)`);
      return ms;
    }),
    'DURATION',
    o,
    o.defaultText,
  );
};

export const size = (o: Common<number> & { limit: LimitKey }) => ({
  ...spec(
    z.string().transform((v, ctx) => {
      const bytes = parseSize(v);
      if (bytes !== undefined) return bytes;
      const hint = /^\d+$/.test(v) ? ` (add a unit: ${v}M or ${v}G)` : '';
      return custom(ctx, `"${v}" is not a size${hint}; write it like 512M or 2G`);
    }),
    'SIZE',
    o,
  ),
  limit: o.limit,
});

export const int = (o: Common<number> & { min: number; max: number; limit?: LimitKey }) => {
  const s = spec(
    z.string().transform((v, ctx) => {
      if (!/^\d+$/.test(v)) return custom(ctx, `"${v}" is not a whole number`);
      const n = Number(v);
      if (n < o.min || n > o.max) return custom(ctx, `${n} is out of range (${o.min} to ${o.max})`);
      return n;
    }),
    'N',
    o,
  );
  return o.limit ? { ...s, limit: o.limit } : s;
};

export const choice = <const C extends readonly string[]>(choices: C, o: Common<C[number]>) =>
  spec(
    z.string().transform((v, ctx) => {
      const t = v.toLowerCase();
      if ((choices as readonly string[]).includes(t)) return t as C[number];
      return custom(ctx, `expected one of ${choices.join(', ')}; got "${v}"`);
    }),
    choices.join('|'),
    o,
  );

/** Names of guests, hosts, snapshots, plans, templates: safe on any command line. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const name = (o: Common<string> & { hint?: string }) =>
  spec(
    z.string().transform((v, ctx) => {
      if (NAME_RE.test(v)) return v;
      return custom(
        ctx,
        `"${v}" is not a valid name (letters, digits, ".", "_" and "-", at most 63, not starting with a symbol)`,
      );
    }),
    o.hint ?? 'NAME',
    o,
  );

/** Free text (reasons, descriptions): bounded, no control characters. */
export const text = (o: Common<string> & { max?: number }) =>
  spec(
    z.string().transform((v, ctx) => {
      const max = o.max ?? 200;
      if (v.length > max) return custom(ctx, `is longer than ${max} characters`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
      if (/[\u0000-\u001f\u007f]/.test(v)) return custom(ctx, 'contains control characters');
      return v;
    }),
    'TEXT',
    o,
  );
