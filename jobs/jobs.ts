import { context, section, sectionsOf, userRef } from '../src/chat/view/blocks.js';
import { ageText, infoReply } from '../src/chat/view/messages.js';
import { choice, int, name } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import type { JobState } from '../src/store/jobs.js';
import { resolveHostArg } from './hostarg.js';

const ICON: Partial<Record<JobState, string>> = {
  active: '▶️',
  waiting: '⏳',
  delayed: '⏳',
  completed: '✅',
  failed: '❌',
};
const STATES = {
  running: ['active'],
  queued: ['waiting', 'delayed'],
  done: ['completed'],
  failed: ['failed'],
} as const;

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
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps jobs', '/vps jobs state=running', '/vps jobs host=vz-1 state=failed'],
  async answer({ args, services }) {
    const hosts = resolveHostArg(args.host as string | undefined, services.hostNames);
    const states = args.state ? [...STATES[args.state as keyof typeof STATES]] : undefined;
    const found = await services.jobs.recent({
      hosts,
      limit: args.limit as number,
      ...(states ? { states } : {}),
    });
    const now = services.now();
    const seen = services.visible
      ? found.filter(({ job, host }) =>
          services.visible!(host, job.data.request.target.guestName ?? job.data.request.target.word),
        )
      : found;
    const rows = seen.map(({ job, state, host }) => {
      const r = job.data.request;
      const what = r.target.guestName ?? r.target.word ?? '';
      const why = state === 'failed' && job.failedReason ? `: ${shortReason(job.failedReason)}` : '';
      return `${ICON[state] ?? '•'} \`${job.id}\` *${r.op}* ${what} on ${host} by ${userRef(r.user)}, ${ageText(job.timestamp, now)}${why}`;
    });
    const title = `${rows.length} job${rows.length === 1 ? '' : 's'}`;
    return infoReply(title, [
      ...(rows.length ? sectionsOf(rows) : [section('No jobs.')]),
      context('Cancel a queued or running job with /vps cancel <job-id>'),
    ]);
  },
});

/** Failed jobs store the serialized OpError as their reason; show its sentence. */
function shortReason(reason: string): string {
  try {
    return (JSON.parse(reason) as { message?: string }).message ?? reason;
  } catch {
    return reason;
  }
}
