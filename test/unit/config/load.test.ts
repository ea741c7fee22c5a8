import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostDriverConfig, loadConfig } from '../../../src/config/load.js';

function withFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpsops-config-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, yaml);
  return file;
}

function configError(yaml: string): string {
  try {
    loadConfig({ env: {}, file: withFile(yaml) });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('config was accepted');
}

describe('config', () => {
  it('defaults load and validate', () => {
    const c = loadConfig({ env: {} });
    expect(c.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'vpsops' });
    expect(c.worker.heartbeatTtl).toBe(20_000);
    expect(c.plans.small).toEqual({ vcpus: 1, memory: 1024 ** 3, disk: 20 * 1024 ** 3 });
  });

  it('a file layers over the defaults, env over the file', () => {
    const file = withFile(
      'redis: { url: redis://10.0.0.1:6379 }\nhosts:\n  vz-1: { kind: openvz, openvz: { vzctl: /opt/vzctl } }\n',
    );
    const c = loadConfig({
      env: { VPSOPS_CONFIG: file, REDIS_URL: 'redis://10.9.9.9:6380', VPSOPS_JOB_KEY: 'secret' },
    });
    expect(c.redis.url).toBe('redis://10.9.9.9:6380');
    expect(c.redis.prefix).toBe('vpsops');
    expect(c.secrets.jobKey).toBe('secret');
    const h = hostDriverConfig(c, 'vz-1');
    expect(h.openvz.vzctl).toBe('/opt/vzctl');
    expect(h.openvz.vzlist).toBe('/usr/sbin/vzlist');
    expect(h.group).toBe('default');
  });

  it('a bad host kind names the key and what is expected', () => {
    expect(configError('hosts:\n  vz-1: { kind: xen }\n')).toContain(
      'hosts.vz-1.kind: expected "kvm" or "openvz"',
    );
  });

  it('unknown options, bad sizes and bad durations are named with their path', () => {
    expect(configError('worker: { concurency: 2 }\n')).toContain('worker.concurency: unknown option');
    expect(configError('plans: { tiny: { vcpus: 1, memory: lots, disk: 1G } }\n')).toContain(
      'plans.tiny.memory: expected a size like 512M or 2G, got "lots"',
    );
    expect(configError('worker: { heartbeatInterval: often }\n')).toContain(
      'worker.heartbeatInterval: expected a duration',
    );
    expect(configError('create: { plan: huge }\n')).toContain('create.plan: no plan named "huge"');
  });

  it('a missing file or broken YAML says which file', () => {
    expect(() => loadConfig({ env: {}, file: '/nonexistent/x.yaml' })).toThrow(
      'Cannot read config file /nonexistent/x.yaml',
    );
    expect(configError('hosts: [\n')).toMatch(/is not valid YAML/);
  });

  it('secrets are refused in a config file: they come from the environment only', () => {
    expect(configError('secrets: { jobKey: abc }\n')).toContain('secrets: not allowed in');
  });

  it('an unknown host is refused by name', () => {
    expect(() => hostDriverConfig(loadConfig({ env: {} }), 'nope')).toThrow(
      'No host "nope" in the configuration.',
    );
  });
});
