/**
 * Admission: a worker runs a job only when it is signed, queued under its own id, for this host,
 * of an operation this worker runs, recent, and approved where it must be, exactly as approved.
 * Every refusal is for good (no retry), says why, and is logged as a security event. Real HMAC
 * signing, real BullMQ jobs and a real approval store on redis-server.
 */
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../jobs/index.js';
import { requestHash } from '../../../src/model/approval.js';
import { decodeFailure } from '../../../src/model/failure.js';
import type { JobRequest } from '../../../src/model/request.js';
import { sign } from '../../../src/model/signing.js';
import { ApprovalStore } from '../../../src/store/approvals.js';
import { type AdmitDeps, admit, jobProblem } from '../../../src/worker/admit.js';
import { TEST_JOB_KEY } from '../../helpers/config.js';
import { useRedis } from '../../helpers/redis.js';
import { capturedLog, HOST, PhaseKit, testRequest } from '../../helpers/runner.js';

const server = useRedis();
let kit: PhaseKit;
let approvals: ApprovalStore;
const MAX_AGE = 10 * 60_000;

beforeAll(() => {
  kit = new PhaseKit(server.url);
  approvals = new ApprovalStore(kit.redis, kit.keys);
});
afterAll(async () => {
  await kit?.close();
});

function deps() {
  const { log, entries } = capturedLog();
  const d: AdmitDeps = { host: HOST, jobKey: TEST_JOB_KEY, catalogue, maxAgeMs: MAX_AGE, approvals, log };
  return { d, entries };
}

/** Admits the queued job, expecting a refusal: checks it is for good, a SIGNATURE failure, and logged. */
async function refusal(queued: Promise<Awaited<ReturnType<PhaseKit['add']>>>): Promise<string> {
  const job = await queued;
  const { d, entries } = deps();
  const err = await admit(job, d).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the job was admitted').toBeInstanceOf(UnrecoverableError);
  const failure = decodeFailure((err as Error).message);
  expect(failure.code).toBe('SIGNATURE');
  expect(entries).toContainEqual(
    expect.objectContaining({ level: 40, security: true, jobId: job.id, host: HOST, msg: 'refused job' }),
  );
  return failure.message;
}

/** A pending approval of `r` (as the bot stores it: the request without its approval field). */
async function approvalOf(r: JobRequest): Promise<{ id: string; hash: string }> {
  const id = `ap${r.id}`;
  const hash = requestHash(r);
  const now = Date.now();
  await approvals.create({
    id,
    request: r,
    hash,
    requester: r.user,
    why: `${r.op} is destructive`,
    createdAt: now,
    expiresAt: now + 60_000,
    quorum: 1,
    approvals: [],
    status: 'pending',
  });
  return { id, hash };
}

describe('admit', () => {
  it('admits a signed, recent job for this host, with the operation that runs it', async () => {
    const r = testRequest();
    const { d, entries } = deps();
    const admitted = await admit(await kit.signed(r), d);
    expect(admitted.request).toEqual(r);
    expect(admitted.op).toBe(catalogue.get('stop'));
    expect(entries.filter((e) => e.security)).toEqual([]);
  });

  it('refuses a job with no signature, a forged one, or data changed after signing', async () => {
    const r1 = testRequest();
    expect(await refusal(kit.add({ request: r1 }, r1.id))).toBe(
      'The job was refused: its signature is missing or does not match its content.',
    );
    const r2 = testRequest();
    expect(await refusal(kit.add({ ...sign(r2, TEST_JOB_KEY), sig: 'ab'.repeat(32) }, r2.id))).toMatch(
      /signature is missing or does not match/,
    );
    // Signed as a harmless stop, then made forceful.
    const r3 = testRequest();
    const altered = sign(r3, TEST_JOB_KEY);
    altered.request.args = { force: true, timeout: 60_000 };
    expect(await refusal(kit.add(altered, r3.id))).toMatch(/signature is missing or does not match/);
  });

  it('refuses a job queued under another id than it was signed with', async () => {
    const r = testRequest();
    expect(await refusal(kit.add(sign(r, TEST_JOB_KEY), 'relabelled1'))).toBe(
      `The job was refused: it was signed as ${r.id} but queued as relabelled1.`,
    );
  });

  it('refuses a job for another host', async () => {
    const r = testRequest({ host: 'kvm-other' });
    expect(await refusal(kit.signed(r))).toBe('The job was refused: it is for host kvm-other, not kvm-t.');
  });

  it('refuses an operation this worker does not run: unknown, or answered by the bot', async () => {
    expect(await refusal(kit.signed(testRequest({ op: 'format' })))).toBe(
      'The job was refused: this worker has no operation "format".',
    );
    expect(await refusal(kit.signed(testRequest({ op: 'help' })))).toMatch(/no operation "help"/);
  });

  it('refuses a job issued longer ago than jobs.maxAge (a replay)', async () => {
    const issuedAt = Date.now() - MAX_AGE - 1_000;
    expect(await refusal(kit.signed(testRequest({ issuedAt })))).toBe(
      `The job was refused: it was issued at ${new Date(issuedAt).toISOString()}, longer ago than jobs.maxAge.`,
    );
  });

  it('refuses a destructive operation that carries no approval', async () => {
    expect(await refusal(kit.signed(testRequest({ op: 'destroy', args: {} })))).toBe(
      'The job was refused: destroy needs an approval and the job carries none.',
    );
  });

  it('refuses an approval that does not exist, is pending or was denied', async () => {
    const ghost = testRequest({ op: 'destroy', args: {} });
    const missing = { id: 'apnosuch1', hash: requestHash(ghost) };
    expect(await refusal(kit.signed({ ...ghost, approval: missing }))).toBe(
      'The job was refused: its approval apnosuch1 does not exist.',
    );
    const pending = testRequest({ op: 'destroy', args: {} });
    const a1 = await approvalOf(pending);
    expect(await refusal(kit.signed({ ...pending, approval: a1 }))).toBe(
      `The job was refused: its approval ${a1.id} is pending, not approved.`,
    );
    const denied = testRequest({ op: 'destroy', args: {} });
    const a2 = await approvalOf(denied);
    expect((await approvals.deny(a2.id, 'bob', 'not today')).ok).toBe(true);
    expect(await refusal(kit.signed({ ...denied, approval: a2 }))).toMatch(/is denied, not approved/);
  });

  it('refuses a job that is not exactly the request that was approved, and admits one that is', async () => {
    const approved = testRequest({ op: 'destroy', args: {} });
    const a = await approvalOf(approved);
    expect((await approvals.approve(a.id, 'bob')).ok).toBe(true);
    const why = `The job was refused: it is not the request that approval ${a.id} approved.`;
    // Same approval, another guest: the job's own request no longer hashes to what was approved.
    const other = { ...approved, target: { ...approved.target, guestId: '102', guestName: 'web-2' } };
    expect(await refusal(kit.signed({ ...other, id: `${approved.id}x`, approval: a }))).toBe(why);
    // The job claims another hash than the approval's.
    const claimed = { ...approved, id: `${approved.id}y`, approval: { id: a.id, hash: requestHash(other) } };
    expect(await refusal(kit.signed(claimed))).toBe(why);
    const { d } = deps();
    const ok = await admit(await kit.signed({ ...approved, approval: a }), d);
    expect(ok.op.name).toBe('destroy');
  });
});

describe('jobProblem', () => {
  const d = { host: HOST, jobKey: TEST_JOB_KEY, catalogue, maxAgeMs: MAX_AGE };

  it('checks the signature before believing anything else in the job', () => {
    const r = testRequest({ host: 'elsewhere', op: 'format' });
    expect(jobProblem('other-id', { request: r, sig: 'cd'.repeat(32) }, d)).toMatch(/signature/);
    expect(jobProblem(r.id, 'not even an object', d)).toMatch(/signature/);
  });

  it('measures age against the clock it is given', () => {
    const r = testRequest({ issuedAt: 1_000 });
    expect(jobProblem(r.id, sign(r, TEST_JOB_KEY), d, 1_000 + MAX_AGE)).toBeUndefined();
    expect(jobProblem(r.id, sign(r, TEST_JOB_KEY), d, 1_001 + MAX_AGE)).toMatch(
      /longer ago than jobs.maxAge/,
    );
  });
});
