/** A validated config for tests, built from the defaults with overrides and no file or env. */
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

/** Tests that are not about access control run with everyone as admin and approver. */
export const OPEN_TEST_POLICY = {
  grants: [{ name: 'tests-everyone', users: ['*'], roles: ['admin', 'approver'] }],
};
const loose = { perUser: 100_000, perChannel: 100_000, window: '1m' };
/** Tests that are not about rate limits must not meet them. */
export const LOOSE_LIMITS = { commands: loose, reads: loose, approvals: loose };

export const TEST_JOB_KEY = 'test-job-key-0123456789abcdef0123456789abcdef';

/** `env` adds environment variables (e.g. SLACK_* secrets, which only come from there). */
export function testConfig(
  overrides: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Config {
  return loadConfig({
    env: { VPSOPS_JOB_KEY: TEST_JOB_KEY, ...env },
    overrides: [
      { log: { level: 'silent' }, access: { policy: OPEN_TEST_POLICY }, rateLimits: LOOSE_LIMITS },
      overrides,
    ],
  });
}
