/**
 * What the benches run under: an access policy that allows the bench user, and people's rate
 * limits high enough for thousands of commands a minute. The checks still run on every command,
 * so their cost is in the figures; only their verdict is "allowed".
 */
const many = { perUser: 1_000_000, perChannel: 1_000_000, window: '1m' };

export const BENCH_ACCESS = {
  access: { policy: { grants: [{ name: 'bench', users: ['*'], roles: ['admin'] }] } },
  rateLimits: { commands: many, reads: many, approvals: many },
};
