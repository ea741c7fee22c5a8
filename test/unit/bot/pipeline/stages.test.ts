/**
 * The pipeline's stages one at a time, on a context built by hand: what each decides from what the
 * operation declares and the policy says. The pure stages need no Redis; the ones that read a
 * store get a plain object with the one method they call.
 */
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../../jobs/index.js';
import type { PipelineDeps, RequestContext } from '../../../../src/bot/pipeline/context.js';
import { authorize, maintenance } from '../../../../src/bot/pipeline/stages/authorize.js';
import { decide } from '../../../../src/bot/pipeline/stages/decide.js';
import { limit } from '../../../../src/bot/pipeline/stages/limit.js';
import { parse, permit } from '../../../../src/bot/pipeline/stages/parse.js';
import { admit, prepare } from '../../../../src/bot/pipeline/stages/prepare.js';
import { AccessPolicy, parsePolicy } from '../../../../src/bot/policy/policy.js';
import type { Guest } from '../../../../src/model/hypervisor.js';
import { testConfig } from '../../../helpers/config.js';

const POLICY = {
  grants: [
    { name: 'ops', users: ['ann'], roles: ['operator'], guests: ['web-*'] },
    { name: 'boss', users: ['root'], roles: ['admin'] },
  ],
  approvals: { require: ['reboot'] },
};
const config = testConfig({ hosts: { 'vz-1': { kind: 'openvz', group: 'eu' } } });
const access = new AccessPolicy(parsePolicy(POLICY, 'test', new Set(catalogue.keys())), { 'vz-1': 'eu' });
const GUEST: Guest = {
  id: '101',
  name: 'web-1',
  state: 'running',
  vcpus: 2,
  memoryBytes: 4 * 2 ** 30,
  diskBytes: 40 * 2 ** 30,
  ips: [],
};

/** What the stages under test use; any other dependency would throw when touched. */
function deps(extra: Partial<PipelineDeps> = {}): PipelineDeps {
  return { config, catalogue, access, now: () => 1_000, ...extra } as PipelineDeps;
}

function ctx(text: string, user = 'ann'): RequestContext {
  return { entry: { text, user, origin: 'test' }, who: { user, usergroups: [] }, scope: {}, audit: {} };
}

/** A context that went through parse, with the target resolved to web-1 on vz-1. */
async function parsedOn(text: string, user = 'ann'): Promise<RequestContext> {
  const c = ctx(text, user);
  await parse(c, deps());
  c.target = { kind: 'guest', host: 'vz-1', guestId: '101', guestName: 'web-1' };
  c.guest = GUEST;
  c.scope = { host: 'vz-1', guest: 'web-1' };
  return c;
}

describe('limit', () => {
  it('puts every command in its verb’s bucket before it is parsed, unknown verbs included', async () => {
    const taken: string[] = [];
    const limits = { ticket: (bucket: string) => taken.push(bucket) };
    const d = deps({ limits: limits as never });
    await limit(ctx('list'), d);
    await limit(ctx('start web-1'), d);
    await limit(ctx('approve k3x9q2mz'), d);
    await limit(ctx('no such verb at all'), d);
    expect(taken).toEqual(['reads', 'commands', 'approvals', 'commands']);
  });
});

describe('parse and permit', () => {
  it('records the verb for the audit entry', async () => {
    const c = ctx('status web-1');
    await parse(c, deps());
    expect(c.cmd?.op.name).toBe('status');
    expect(c.audit.op).toBe('status');
  });

  it('refuses a verb the caller holds no role for, before anything is resolved', async () => {
    const c = ctx('audit', 'ann');
    await parse(c, deps());
    expect(() => permit(c, deps())).toThrow(/audit needs admin/);
  });

  it('lets anyone ask for help', async () => {
    const c = ctx('help', 'nobody');
    await parse(c, deps());
    expect(() => permit(c, deps())).not.toThrow();
  });
});

describe('authorize', () => {
  it('answers a guest outside the caller’s scope like one that does not exist', async () => {
    const c = await parsedOn('start web-1');
    c.scope = { host: 'vz-1', guest: 'db-1' };
    expect(() => authorize(c, deps())).toThrow('No guest named "db-1".');
  });

  it('allows what the role and scope cover', async () => {
    const c = await parsedOn('start web-1');
    expect(() => authorize(c, deps())).not.toThrow();
  });
});

describe('maintenance', () => {
  const window = { host: 'vz-1', until: 10_000, by: 'root', reason: 'kernel', startedAt: 0 };
  const inMaintenance = deps({ maintenance: { of: async () => window } as never });

  it('keeps an everyday change from everyone but the host’s admins', async () => {
    await expect(maintenance(await parsedOn('start web-1'), inMaintenance)).rejects.toThrow(
      /vz-1 is in maintenance .* only its admins may operate it now/,
    );
    await expect(maintenance(await parsedOn('start web-1', 'root'), inMaintenance)).resolves.toBeUndefined();
  });

  it('lets reads through: they declare it', async () => {
    await expect(maintenance(await parsedOn('status web-1'), inMaintenance)).resolves.toBeUndefined();
  });
});

describe('prepare and admit', () => {
  it('holds every size to the fleet’s limits, naming the field', async () => {
    const c = await parsedOn('resize web-1 memory=4T');
    expect(() => prepare(c, deps())).toThrow(/memory=4T is out of range/);
  });

  it('asks the host’s overcommit policy about what a resize adds', async () => {
    const c = await parsedOn('resize web-1 memory=16G', 'root');
    prepare(c, deps());
    const host = {
      name: 'vz-1',
      registration: { capacity: { cpus: 8, memoryBytes: 8 * 2 ** 30, diskBytes: 2 ** 40 } },
      inventory: { host: 'vz-1', at: 0, guests: [GUEST] },
    };
    await admit(c, deps({ fleet: { hosts: async () => [host] } as never }));
    expect(c.overcommit).toMatch(/takes vz-1 RAM to 2\.00x, policy 1\.20x/);
  });
});

describe('decide', () => {
  const run = async (text: string, user = 'root', extra: Partial<RequestContext> = {}) => {
    const c = await parsedOn(text, user);
    prepare(c, deps());
    Object.assign(c, extra);
    await decide(c, deps());
    return c.decision;
  };

  it('answers reads from Redis', async () => {
    expect(await run('status web-1')).toEqual({ kind: 'answer' });
  });

  it('runs an everyday change at once, with a request that says exactly what runs', async () => {
    const d = await run('start web-1');
    expect(d?.kind).toBe('run');
    expect(d && 'request' in d ? d.request : undefined).toMatchObject({
      op: 'start',
      host: 'vz-1',
      target: { guestId: '101', guestName: 'web-1' },
      user: 'root',
      issuedAt: 1_000,
    });
  });

  it('sends what its operation, the overcommit policy or the access policy says to an approver', async () => {
    const why = async (text: string, extra: Partial<RequestContext> = {}) => {
      const d = await run(text, 'root', extra);
      return d?.kind === 'approve' ? d.why : undefined;
    };
    expect(await why('destroy web-1')).toBe('destroy is destructive');
    expect(await why('resize web-1 vcpus=1')).toBe('the resize shrinks the guest');
    expect(await why('resize web-1 vcpus=4', { overcommit: 'takes vz-1 CPU to 9.00x' })).toBe(
      'takes vz-1 CPU to 9.00x',
    );
    expect(await why('reboot web-1')).toBe('the access policy requires approval for reboot');
    expect(await why('start web-1')).toBeUndefined();
  });

  it('runs an approved request as approved, or not at all when its guest changed', async () => {
    const approved = await parsedOn('destroy web-1', 'root');
    prepare(approved, deps());
    await decide(approved, deps());
    const request = approved.decision?.kind === 'approve' ? approved.decision.request : undefined;
    const again = await parsedOn('destroy web-1', 'root');
    again.entry.approved = { id: request!.id, hash: 'h', request: request! };
    prepare(again, deps());
    await decide(again, deps());
    expect(again.decision).toEqual({
      kind: 'run',
      request: { ...request, approval: { id: request!.id, hash: 'h' } },
    });
    const reused = await parsedOn('destroy web-1', 'root');
    reused.entry.approved = again.entry.approved;
    reused.target = { kind: 'guest', host: 'vz-1', guestId: '104', guestName: 'web-1' };
    prepare(reused, deps());
    await expect(decide(reused, deps())).rejects.toThrow(/no longer the guest that was approved/);
  });
});
