/** `/vps jobs`: recent and running jobs, newest first. */
import type { JobState, View } from '../../../model/view.js';
import { type Block, context, section, sectionsOf, userRef } from '../blocks.js';
import { ageText } from '../messages.js';

const ICON: Partial<Record<JobState, string>> = {
  active: '▶️',
  waiting: '⏳',
  delayed: '⏳',
  completed: '✅',
  failed: '❌',
};

export function jobsBlocks(v: Extract<View, { kind: 'jobs' }>): Block[] {
  const rows = v.jobs.map((j) => {
    const why = j.reason ? `: ${j.reason}` : '';
    return `${ICON[j.state] ?? '•'} \`${j.id}\` *${j.op}* ${j.target} on ${j.host} by ${userRef(j.user)}, ${ageText(j.createdAt, v.now)}${why}`;
  });
  return [
    ...(rows.length ? sectionsOf(rows) : [section('No jobs.')]),
    context('Cancel a queued or running job with /vps cancel <job-id>'),
  ];
}
