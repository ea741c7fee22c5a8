/** A validated config for tests, built from the defaults with overrides and no file or env. */
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export const TEST_JOB_KEY = 'test-job-key-0123456789abcdef0123456789abcdef';

/** `env` adds environment variables (e.g. SLACK_* secrets, which only come from there). */
export function testConfig(
  overrides: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Config {
  return loadConfig({
    env: { VPSOPS_JOB_KEY: TEST_JOB_KEY, ...env },
    overrides: [{ log: { level: 'silent' } }, overrides],
  });
}
