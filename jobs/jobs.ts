import type { JobState } from '../src/model/view.js';
import { choice, int, name } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { resolveHostArg } from './hostarg.js';
import { FLEET_READ } from './kinds.js';

const STATES: Record<string, JobState[]> = {
  running: ['active'],
  queued: ['waiting', 'delayed'],
  done: ['completed'],
  failed: ['failed'],
};

export default defineOperation({
  name: 'jobs',
  summary: 'Recent and running jobs',
  target: 'none',
  args: {
    host: name({ hint: 'HOST', help: 'only jobs of this host' }),
    state: choice(['running', 'queued', 'done', 'failed'] as const, { help: 'only jobs in this state' }),
    limit: int({ min: 1, max: 100, default: 15, help: 'how many' }),
  },
  risk: 'read',
  ...FLEET_READ,
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps jobs', '/vps jobs state=running', '/vps jobs host=vz-1 state=failed'],
  async answer({ args, services }) {
    const hosts = resolveHostArg(args.host as string | undefined, services.hostNames);
    const states = args.state ? STATES[args.state as string] : undefined;
    const rows = await services.jobs.rows({
      hosts,
      limit: args.limit as number,
      ...(states ? { states } : {}),
    });
    const jobs = rows.filter((j) => services.visible(j.host, j.target || undefined));
    const text = `${jobs.length} job${jobs.length === 1 ? '' : 's'}`;
    return { view: { kind: 'jobs', jobs, now: services.now() }, text };
  },
});
