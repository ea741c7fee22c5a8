/**
 * Loads the configuration: config/default.yaml ← the file named by VPSOPS_CONFIG ← environment.
 * The only module that reads process.env.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { OpError } from '../model/errors.js';
import { type Config, configSchema, type HostConfig } from './schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  /** Defaults to process.env. */
  env?: Env;
  /** A YAML file layered over the defaults; defaults to env.VPSOPS_CONFIG. */
  file?: string;
  /** Plain objects layered last (the demo and tests use it). */
  overrides?: Record<string, unknown>[];
}

/** The package root (where package.json and config/ live), from source or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the vpsops sources');
    dir = up;
  }
  return dir;
}

/** Reads the process environment; kept here so no other module touches process.env. */
export function processEnv(): Env {
  return process.env;
}

/** Loads, layers and validates; throws OpError CONFIG naming every bad key. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const layers: Record<string, unknown>[] = [readYaml(join(packageRoot(), 'config', 'default.yaml'))];
  const file = opts.file ?? env.VPSOPS_CONFIG;
  if (file) layers.push(noSecrets(readYaml(file), file));
  layers.push(envLayer(env), ...(opts.overrides ?? []));
  const merged = layers.reduce<Record<string, unknown>>((acc, l) => deepMerge(acc, l), {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(formatIssue);
    throw new OpError('CONFIG', `Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OpError('CONFIG', `Cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    const doc = parseYaml(text) ?? {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the top level must be a mapping');
    return doc as Record<string, unknown>;
  } catch (err) {
    throw new OpError('CONFIG', `Config file ${path} is not valid YAML: ${(err as Error).message}`);
  }
}

/** Secrets belong in the environment, where they are not committed or copied with config files. */
function noSecrets(layer: Record<string, unknown>, file: string): Record<string, unknown> {
  if ('secrets' in layer) {
    throw new OpError(
      'CONFIG',
      `Invalid configuration:\nsecrets: not allowed in ${file}; set VPSOPS_JOB_KEY and SLACK_* in the environment instead`,
    );
  }
  return layer;
}

function envLayer(env: Env): Record<string, unknown> {
  const layer: Record<string, unknown> = {
    secrets: {
      jobKey: env.VPSOPS_JOB_KEY,
      slackBotToken: env.SLACK_BOT_TOKEN,
      slackSigningSecret: env.SLACK_SIGNING_SECRET,
      slackAppToken: env.SLACK_APP_TOKEN,
    },
    slack: { apiUrl: env.SLACK_API_URL, port: env.PORT ? Number(env.PORT) : undefined },
  };
  if (env.REDIS_URL) layer.redis = { url: env.REDIS_URL };
  if (env.VPSOPS_POLICY) layer.access = { policyFile: env.VPSOPS_POLICY };
  if (env.LOG_LEVEL) layer.log = { level: env.LOG_LEVEL };
  return layer;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges b over a; undefined in b leaves a's value. Arrays are replaced, not merged. */
export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function formatIssue(issue: ZodIssue): string {
  const path = issue.path.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${path === '(top level)' ? '' : `${path}.`}${issue.keys.join(', ')}: unknown option`;
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `${path}: required`;
  return `${path}: ${issue.message}`;
}

/** The driver settings of one host: the fleet-wide kvm:/openvz: defaults with the host's own overrides. */
export function hostDriverConfig(config: Config, host: string) {
  const h: HostConfig | undefined = config.hosts[host];
  if (!h) {
    const known = Object.keys(config.hosts);
    throw new OpError(
      'HOST_NOT_FOUND',
      `No host "${host}" in the configuration${known.length ? ` (hosts: ${known.join(', ')})` : ''}.`,
    );
  }
  return {
    kind: h.kind,
    group: h.group,
    kvm: { ...config.kvm, ...h.kvm },
    openvz: { ...config.openvz, ...h.openvz },
  };
}
