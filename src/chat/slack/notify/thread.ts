/** What the notifier sends besides job states: the thread log of a finished job. */
import type { JobMessage, SlackPayload } from './outbox.js';

const THREAD_LINES = 40;
const THREAD_CHARS = 3500;

/** Web API arguments for a payload: text always (notifications, screen readers), blocks when any. */
export function withBlocks(p: SlackPayload): Record<string, unknown> {
  return p.blocks ? { text: p.text, blocks: p.blocks } : { text: p.text };
}

/** The thread reply of a finished job: its log, newest lines kept when it is long. */
export function threadPayload(m: Pick<JobMessage, 'requestId' | 'log'>): SlackPayload {
  let lines = m.log.slice(-THREAD_LINES);
  const cut = m.log.length - lines.length;
  let body = lines.join('\n');
  while (body.length > THREAD_CHARS && lines.length > 1) {
    lines = lines.slice(1);
    body = lines.join('\n');
  }
  const head = `Log of job \`${m.requestId}\`${cut > 0 ? ` (last ${lines.length} lines)` : ''}:`;
  return { text: `${head}\n\`\`\`\n${body.slice(-THREAD_CHARS)}\n\`\`\`` };
}
