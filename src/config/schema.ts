/** The shape of the configuration, validated at start with messages that name the bad key. */
import { z } from 'zod';
import { parseDuration, parseSize } from '../model/units.js';

/** Host names end up in queue names, Redis keys and chat: keep them plain. */
export const HOST_NAME_RE = /^[a-z0-9][a-z0-9.-]{0,62}$/;

/** A number as is, or a string with a unit parsed by `parse`, with a message naming the expected form. */
const withUnit = (parse: (t: string) => number | undefined, example: string) =>
  z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const n = parse(v);
    if (n === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected ${example}, got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

const size = withUnit(parseSize, 'a size like 512M or 2G');
const duration = withUnit(parseDuration, 'a duration like 30s or 2h');

const kvmTemplate = z.object({ image: z.string().min(1), xml: z.string().min(1).optional() }).strict();
const kvmSchema = z
  .object({
    uri: z.string().min(1),
    imageDir: z.string().min(1),
    /** Templates for create, by name: a qcow2 base image and optionally a domain XML template. */
    templates: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/), kvmTemplate),
    domainType: z.enum(['kvm', 'qemu'], { errorMap: () => ({ message: 'expected "kvm" or "qemu"' }) }),
    network: z
      .object({ type: z.enum(['network', 'bridge']), source: z.string().min(1) })
      .strict()
      .nullable(),
    commandTimeout: duration,
    scanInterval: duration,
  })
  .strict();
const openvzSchema = z
  .object({
    vzctl: z.string().min(1),
    vzlist: z.string().min(1),
    procRoot: z.string().min(1),
    diskRoot: z.string().min(1),
    commandTimeout: duration,
    pollInterval: duration,
  })
  .strict();

const hostSchema = z
  .object({
    kind: z.enum(['kvm', 'openvz'], {
      errorMap: () => ({ message: 'expected "kvm" or "openvz"' }),
    }),
    group: z.string().min(1).default('default'),
    kvm: kvmSchema.partial().optional(),
    openvz: openvzSchema.partial().optional(),
  })
  .strict();

const peopleLimit = z
  .object({ perUser: z.number().int().positive(), perChannel: z.number().int().positive(), window: duration })
  .strict();
const keep = z.object({ count: z.number().int().positive(), age: duration }).strict();
const range = <T extends z.ZodTypeAny>(t: T) => z.object({ min: t, max: t }).strict();

/** Overcommit ratios (1 = all of the host promised once): warn and critical per resource. */
const ratioLevels = z.object({ warn: z.number().positive(), critical: z.number().positive() }).strict();
const overcommitPolicy = z.object({ cpu: ratioLevels, memory: ratioLevels, disk: ratioLevels }).strict();
/** A host group's override: any resource, any of its two ratios; the rest comes from `default`. */
const overcommitOverride = z
  .object({ cpu: ratioLevels.partial(), memory: ratioLevels.partial(), disk: ratioLevels.partial() })
  .partial()
  .strict();
const overcommitSchema = z
  .object({
    countStopped: z.boolean(),
    hysteresis: z.number().min(0).max(1),
    default: overcommitPolicy,
    groups: z.record(z.string().min(1), overcommitOverride),
  })
  .strict();

export const configSchema = z
  .object({
    redis: z.object({ url: z.string().url(), prefix: z.string().min(1) }).strict(),
    hosts: z.record(
      z.string().regex(HOST_NAME_RE, 'host names use lower case letters, digits, "-" and "."'),
      hostSchema,
    ),
    kvm: kvmSchema,
    openvz: openvzSchema,
    worker: z
      .object({
        concurrency: z.number().int().min(1).max(256),
        heartbeatInterval: duration,
        heartbeatTtl: duration,
        inventoryInterval: duration,
        shutdownGrace: duration,
      })
      .strict(),
    jobs: z
      .object({
        keepCompleted: keep,
        keepFailed: keep,
        attempts: z.number().int().min(1).max(20),
        backoff: duration,
        execTimeout: duration,
        maxAge: duration,
      })
      .strict(),
    plans: z.record(
      z.string().regex(/^[a-z0-9-]+$/),
      z.object({ vcpus: z.number().int().positive(), memory: size, disk: size }).strict(),
    ),
    create: z.object({ plan: z.string(), template: z.string() }).strict(),
    limits: z
      .object({ vcpus: range(z.number().int().positive()), memory: range(size), disk: range(size) })
      .strict(),
    rateLimits: z.object({ commands: peopleLimit, reads: peopleLimit, approvals: peopleLimit }).strict(),
    access: z
      .object({
        /** The access policy file (YAML); env VPSOPS_POLICY. Null: deny everything but help. */
        policyFile: z.string().min(1).nullable(),
        /** An inline policy instead of a file (tests, the demo). */
        policy: z.unknown().optional(),
      })
      .strict(),
    log: z.object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) }).strict(),
    alerts: z
      .object({
        overcommit: overcommitSchema,
        /** How often the bot checks overcommit and silent hosts. */
        interval: duration,
        /** A daily digest of capacity and incidents: channel id (null: none) and time of day (UTC). */
        digest: z
          .object({
            channel: z
              .string()
              .regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a channel id like C0123ABCD')
              .nullable(),
            at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day like 08:00'),
          })
          .strict(),
        /** Where alerts go: the first route whose severities and host groups match; else slack.alertsChannel. */
        routes: z
          .array(
            z
              .object({
                severity: z.array(z.enum(['info', 'warning', 'critical'])).optional(),
                groups: z.array(z.string()).optional(),
                channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a channel id like C0123ABCD'),
              })
              .strict(),
          )
          .default([]),
      })
      .strict(),
    /** Secrets and process knobs from the environment (never from a file). */
    secrets: z
      .object({
        jobKey: z.string().optional(),
        slackBotToken: z.string().optional(),
        slackSigningSecret: z.string().optional(),
        slackAppToken: z.string().optional(),
      })
      .strict(),
    slack: z
      .object({
        apiUrl: z.string().url().optional(),
        port: z.number().int().min(0).max(65_535),
        limits: z
          .object({
            postPerChannelPerSecond: z.number().positive(),
            postPerMinute: z.number().int().positive(),
            tier3PerMinute: z.number().int().positive(),
            tier4PerMinute: z.number().int().positive(),
          })
          .strict(),
        budget: z.number().gt(0).max(1),
        updateInterval: duration,
        leaderTtl: duration,
        alertsChannel: z
          .string()
          .regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a channel id like C0123ABCD')
          .nullable(),
      })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.plans[c.create.plan]) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['create', 'plan'],
        message: `no plan named "${c.create.plan}" (plans: ${Object.keys(c.plans).join(', ')})`,
      });
    }
    checkOvercommit(c.alerts.overcommit, new Set(Object.values(c.hosts).map((h) => h.group)), ctx);
    if (c.worker.heartbeatTtl <= c.worker.heartbeatInterval) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['worker', 'heartbeatTtl'],
        message: 'must be longer than worker.heartbeatInterval',
      });
    }
  });

/** Critical below warn would page before it warns; a group nobody is in is a typo that hides a policy. */
function checkOvercommit(
  o: z.output<typeof overcommitSchema>,
  groups: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const path = ['alerts', 'overcommit'];
  for (const [r, t] of Object.entries(o.default)) {
    if (t.critical < t.warn)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [...path, 'default', r, 'critical'],
        message: `must be at least warn (${t.warn})`,
      });
  }
  for (const [g, over] of Object.entries(o.groups)) {
    if (!groups.has(g)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [...path, 'groups', g],
        message: `no host is in group "${g}" (groups: ${[...groups].join(', ') || 'none'})`,
      });
    }
    for (const [r, part] of Object.entries(over)) {
      const t = { ...o.default[r as keyof typeof o.default], ...part };
      if (t.critical < t.warn)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [...path, 'groups', g, r, 'critical'],
          message: `must be at least warn (${t.warn})`,
        });
    }
  }
}

export type Config = z.output<typeof configSchema>;
export type HostConfig = Config['hosts'][string];
