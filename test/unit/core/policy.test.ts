import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { catalogue } from '../../../jobs/index.js';
import { shrinks } from '../../../jobs/sizes.js';
import {
  AccessPolicy,
  globToRegExp,
  OPEN_POLICY_FOR_DEMO,
  type OpRef,
  parsePolicy,
  requiredRole,
  verbsOfRole,
} from '../../../src/bot/policy/policy.js';
import { OpError } from '../../../src/model/errors.js';
import type { Guest } from '../../../src/model/hypervisor.js';
import type { RuleInput } from '../../../src/ops/operation.js';

const VERBS: ReadonlySet<string> = new Set(catalogue.keys());
const HOSTS = { 'eu-1': 'eu', 'eu-2': 'eu', 'us-1': 'us' };
const op = (name: string): OpRef => {
  const def = catalogue.get(name);
  if (!def) throw new Error(`no verb ${name}`);
  return def;
};

function policy(doc: unknown): AccessPolicy {
  return new AccessPolicy(parsePolicy(doc, 'test.yaml', VERBS), HOSTS);
}

const fleet = policy({
  grants: [
    { name: 'noc', usergroups: ['S0NOC'], roles: ['admin'] },
    { name: 'readers', users: ['vic'], roles: ['viewer'] },
    { name: 'team-a', users: ['ann'], roles: ['operator'], hostGroups: ['eu'], guests: ['web-*', 'shop-?'] },
    { name: 'everywhere-read', users: ['ann'], roles: ['viewer'], hostGroups: ['eu'] },
    { name: 'ops-channel', channels: ['C0OPS'], roles: ['operator'] },
    { name: 'leads', users: ['lee'], roles: ['approver'], hostGroups: ['eu'], guests: ['web-*'] },
  ],
  channels: { C0PUBLIC: { verbs: ['help', 'list', 'status', 'hosts', 'jobs'] } },
  approvals: { quorum: { destroy: 2 }, require: ['reboot'] },
});

const who = (user: string, extra: { usergroups?: string[]; channel?: string } = {}) => ({
  user,
  usergroups: extra.usergroups ?? [],
  ...(extra.channel ? { channel: extra.channel } : {}),
});

describe('roles', () => {
  it('maps each operation to the least role that may run it', () => {
    expect(requiredRole(op('list'))).toBe('viewer');
    expect(requiredRole(op('start'))).toBe('operator');
    expect(requiredRole(op('cancel'))).toBe('operator');
    expect(requiredRole(op('resize'))).toBe('admin');
    expect(requiredRole(op('destroy'))).toBe('admin');
    expect(requiredRole(op('approve'))).toBe('approver');
    expect(requiredRole(op('pending'))).toBe('viewer');
    expect(requiredRole(op('audit'))).toBe('admin');
    expect(requiredRole(op('help'))).toBe('anyone');
    // help declares that anyone may run it, so every role lists it.
    expect(verbsOfRole('approver', catalogue.values())).toEqual(['help', 'approve', 'deny']);
  });

  it('guest globs are anchored, case-sensitive, * any run and ? one character', () => {
    expect(globToRegExp('web-*').test('web-12')).toBe(true);
    expect(globToRegExp('web-*').test('xweb-1')).toBe(false);
    expect(globToRegExp('shop-?').test('shop-10')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('Web-*').test('web-1')).toBe(false);
  });
});

describe('AccessPolicy.decide', () => {
  it('denies a user no grant names (default deny)', () => {
    expect(fleet.decide({ ...who('mallory'), op: op('list') })).toEqual({
      allow: false,
      reason: 'you have no role in the access policy (default deny)',
      rule: 'default deny',
    });
  });

  it('a viewer can list but not start', () => {
    expect(fleet.decide({ ...who('vic'), op: op('list') })).toEqual({ allow: true, grant: 'readers' });
    expect(fleet.decide({ ...who('vic'), op: op('start'), host: 'us-1', guest: 'db-1' })).toEqual({
      allow: false,
      reason:
        'you may view db-1 on us-1; start needs operator (no grant gives you operator for db-1 on us-1)',
      rule: 'readers',
    });
  });

  it('an operator can start in scope but not destroy', () => {
    expect(fleet.decide({ ...who('ann'), op: op('start'), host: 'eu-1', guest: 'web-1' })).toEqual({
      allow: true,
      grant: 'team-a',
    });
    expect(fleet.decide({ ...who('ann'), op: op('destroy'), host: 'eu-1', guest: 'web-1' })).toMatchObject({
      allow: false,
      reason:
        'you may operate web-1 on eu-1; destroy needs admin (no grant gives you admin for web-1 on eu-1)',
      rule: 'team-a, everywhere-read',
    });
  });

  it('an admin can destroy anywhere', () => {
    const d = fleet.decide({
      ...who('zed', { usergroups: ['S0NOC'] }),
      op: op('destroy'),
      host: 'us-1',
      guest: 'db-1',
    });
    expect(d).toEqual({ allow: true, grant: 'noc' });
  });

  it('scopes by guest pattern without mixing grants: web-* may start, db-1 only read', () => {
    expect(fleet.decide({ ...who('ann'), op: op('stop'), host: 'eu-2', guest: 'web-9' }).allow).toBe(true);
    expect(fleet.decide({ ...who('ann'), op: op('status'), host: 'eu-2', guest: 'db-1' }).allow).toBe(true);
    expect(fleet.decide({ ...who('ann'), op: op('stop'), host: 'eu-2', guest: 'db-1' })).toMatchObject({
      allow: false,
      reason: 'you may view db-1 on eu-2; stop needs operator (no grant gives you operator for db-1 on eu-2)',
      rule: 'everywhere-read',
    });
  });

  it('hides a guest no role covers, by pattern and by host group', () => {
    const byPattern = fleet.decide({ ...who('lee'), op: op('status'), host: 'eu-1', guest: 'db-1' });
    expect(byPattern).toEqual({
      allow: false,
      reason: 'none of your grants (leads) covers db-1 on eu-1 (default deny)',
      rule: 'default deny',
      hidden: true,
    });
    expect(fleet.decide({ ...who('ann'), op: op('status'), host: 'us-1', guest: 'web-1' })).toMatchObject({
      allow: false,
      hidden: true,
    });
    expect(fleet.canSee(who('ann'), 'eu-1', 'web-1')).toBe(true);
    expect(fleet.canSee(who('ann'), 'us-1', 'web-1')).toBe(false);
    expect(fleet.canSeeHost(who('ann'), 'eu-2')).toBe(true);
    expect(fleet.canSeeHost(who('ann'), 'us-1')).toBe(false);
    expect(fleet.canSeeHost(who('ann'), 'unknown-host')).toBe(false);
  });

  it('a channel grant applies only in that channel', () => {
    const req = { op: op('reboot'), host: 'us-1', guest: 'db-1' };
    expect(fleet.decide({ ...who('bob', { channel: 'C0OPS' }), ...req })).toEqual({
      allow: true,
      grant: 'ops-channel',
    });
    expect(fleet.decide({ ...who('bob', { channel: 'C0OTHER' }), ...req }).allow).toBe(false);
  });

  it("a channel's verb list denies other verbs first, naming the list", () => {
    const d = fleet.decide({ ...who('zed', { usergroups: ['S0NOC'], channel: 'C0PUBLIC' }), op: op('stop') });
    expect(d).toEqual({
      allow: false,
      reason:
        '/vps stop is not allowed in this channel (policy channels.C0PUBLIC: allows help, list, status, hosts, jobs)',
      rule: 'channels.C0PUBLIC',
    });
    const star = policy({
      grants: [{ users: ['*'], roles: ['admin'] }],
      channels: { '*': { verbs: ['help'] } },
    });
    expect(star.decide({ ...who('a', { channel: 'C0ANY' }), op: op('list') })).toMatchObject({
      rule: 'channels.*',
    });
    expect(star.decide({ ...who('a'), op: op('list') }).allow).toBe(true);
  });

  it('a usergroup grant applies to its members', () => {
    expect(fleet.decide({ ...who('zed', { usergroups: ['S0X', 'S0NOC'] }), op: op('resize') }).allow).toBe(
      true,
    );
    expect(fleet.decide({ ...who('zed', { usergroups: ['S0X'] }), op: op('resize') }).allow).toBe(false);
  });

  it('users "*" means everyone, and unnamed grants are labelled by position', () => {
    const p = policy({ grants: [{ users: ['*'], roles: ['viewer'] }] });
    expect(p.decide({ ...who('anyone'), op: op('hosts') })).toEqual({ allow: true, grant: 'grants[0]' });
  });

  it('an approver without other roles cannot start or list', () => {
    expect(fleet.decide({ ...who('lee'), op: op('start'), host: 'eu-1', guest: 'web-1' })).toMatchObject({
      allow: false,
      reason:
        'you may approve requests for web-1 on eu-1; start needs operator (no grant gives you operator for web-1 on eu-1)',
      rule: 'leads',
    });
    expect(fleet.decide({ ...who('lee'), op: op('list') }).allow).toBe(false);
  });
});

describe('help filtering and approvals', () => {
  it('allowedVerbs lists what the caller may run somewhere, within the channel list', () => {
    expect(fleet.allowedVerbs(who('vic'), catalogue.values())).toEqual([
      'help',
      'hosts',
      'capacity',
      'list',
      'status',
      'snapshots',
      'jobs',
      'alerts',
      'pending',
    ]);
    expect(fleet.allowedVerbs(who('ann'), catalogue.values())).toContain('start');
    expect(fleet.allowedVerbs(who('ann'), catalogue.values())).not.toContain('destroy');
    expect(fleet.allowedVerbs(who('ann', { channel: 'C0PUBLIC' }), catalogue.values())).toEqual([
      'help',
      'hosts',
      'list',
      'status',
      'jobs',
    ]);
    // No role at all: only what anyone may run.
    expect(fleet.allowedVerbs(who('mallory'), catalogue.values())).toEqual(['help']);
  });

  it('mayApprove needs the approver role with a scope covering the target', () => {
    expect(fleet.mayApprove(who('lee'), 'eu-1', 'web-1')).toEqual({ allow: true });
    expect(fleet.mayApprove(who('lee'), 'eu-1', 'db-1')).toEqual({
      allow: false,
      reason: 'no grant makes you an approver for db-1 on eu-1',
    });
    expect(fleet.mayApprove(who('lee'), 'us-1', 'web-1').allow).toBe(false);
    // admin alone is not approver
    expect(fleet.mayApprove(who('zed', { usergroups: ['S0NOC'] }), 'eu-1', 'web-1').allow).toBe(false);
  });

  it('destroy, revert, a required op and a shrinking resize need approval; start does not', () => {
    expect(catalogue.get('destroy')!.approval).toBe('always');
    expect(catalogue.get('revert')!.approval).toBe('always');
    expect(fleet.policy.approvals.require).toContain('reboot');
    expect(catalogue.get('start')!.approval).toBeUndefined();
    expect(fleet.policy.approvals.require).not.toContain('start');
    const guest = { vcpus: 2, memoryBytes: 4 * 2 ** 30, diskBytes: 40 * 2 ** 30 } as Guest;
    expect(shrinks(guest, { memory: 8 * 2 ** 30 })).toBe(false);
    expect(shrinks(guest, { vcpus: 4, disk: 20 * 2 ** 30 })).toBe(true);
    const resize = catalogue.get('resize')!.approval as (r: RuleInput) => string | undefined;
    expect(resize({ guest, args: { vcpus: 1 } })).toBe('the resize shrinks the guest');
    expect(resize({ guest, args: { vcpus: 4 } })).toBeUndefined();
  });

  it('quorum defaults to 1 and can be raised per operation; expiry defaults to 30m', () => {
    expect(fleet.quorum(op('destroy'))).toBe(2);
    expect(fleet.quorum(op('revert'))).toBe(1);
    expect(fleet.expiryMs).toBe(30 * 60_000);
    expect(fleet.approvalsChannel).toBeUndefined();
  });

  it('the open demo policy lets everyone do and approve everything', () => {
    const open = new AccessPolicy(OPEN_POLICY_FOR_DEMO, HOSTS);
    expect(open.decide({ ...who('x'), op: op('destroy'), host: 'us-1', guest: 'db-1' }).allow).toBe(true);
    expect(open.mayApprove(who('x'), 'us-1').allow).toBe(true);
  });
});

describe('parsePolicy', () => {
  const errorOf = (doc: unknown): string => {
    try {
      parsePolicy(doc, 'policy.yaml', VERBS);
    } catch (err) {
      expect(err).toBeInstanceOf(OpError);
      expect((err as OpError).code).toBe('CONFIG');
      return (err as OpError).userMessage;
    }
    throw new Error('expected parsePolicy to throw');
  };

  it('names an unknown role', () => {
    expect(errorOf({ grants: [{ users: ['a'], roles: ['boss'] }] })).toBe(
      'Invalid access policy in policy.yaml:\ngrants.0.roles.0: unknown role; roles are viewer, operator, admin, approver (got "boss")',
    );
  });

  it('names a bad guest glob', () => {
    expect(errorOf({ grants: [{ users: ['a'], roles: ['viewer'], guests: ['web/[0-9]'] }] })).toContain(
      'grants.0.guests.0: expected a guest name pattern of letters, digits, ".", "_", "-", * and ? (got "web/[0-9]")',
    );
  });

  it('names unknown verbs in channel lists and approvals', () => {
    const msg = errorOf({
      channels: { C0PUB: { verbs: ['list', 'sudo'] } },
      approvals: { quorum: { destory: 2 }, require: ['rebot'] },
    });
    expect(msg).toContain('channels.C0PUB.verbs.1: unknown verb (got "sudo")');
    expect(msg).toContain('approvals.quorum.destory: unknown verb');
    expect(msg).toContain('approvals.require.0: unknown verb (got "rebot")');
  });

  it('names unknown keys, grants that apply to nobody, and bad durations', () => {
    const msg = errorOf({
      grants: [{ roles: ['viewer'] }, { users: ['a'], role: ['viewer'] }],
      approvals: { expiry: 'soon' },
      extra: 1,
    });
    expect(msg).toContain('extra: unknown key');
    expect(msg).toContain('grants.1.role: unknown key');
    expect(msg).toContain('grants.1.roles: required');
    expect(msg).toContain('grants.0: names no users, usergroups or channels, so it applies to nobody');
    expect(msg).toContain('approvals.expiry: expected a duration like 30m or 2h, got "soon"');
  });

  it('applies defaults and accepts rateLimits for the rate limiter', () => {
    const p = parsePolicy({ rateLimits: { perUser: 5 } }, 'p.yaml', VERBS);
    expect(p).toEqual({
      grants: [],
      channels: {},
      approvals: { expiryMs: 30 * 60_000, quorum: {}, require: [] },
      rateLimits: { perUser: 5 },
    });
  });

  it('config/policy.example.yaml is valid against the real catalogue', () => {
    const file = fileURLToPath(new URL('../../../config/policy.example.yaml', import.meta.url));
    const p = parsePolicy(parseYaml(readFileSync(file, 'utf8')), file, VERBS);
    const access = new AccessPolicy(p, { 'kvm-a': 'eu' });
    expect(access.unknownHostGroups()).toEqual([]);
    expect(access.approvalsChannel).toBe('C0APPROVALS');
    expect(access.quorum(op('destroy'))).toBe(2);
    const lead = { user: 'U0LEAD01', usergroups: [] };
    expect(access.mayApprove(lead, 'kvm-a', 'web-3').allow).toBe(true);
    expect(access.decide({ ...lead, op: op('start'), host: 'kvm-a', guest: 'web-3' }).allow).toBe(false);
  });
});
