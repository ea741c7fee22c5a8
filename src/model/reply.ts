/** What the bot answers to a command, before any chat adapter formats it. */
import type { Block } from '../chat/view/blocks.js';
import type { JobView } from '../chat/view/job-message.js';
import type { ErrorCode } from './errors.js';

export interface Reply {
  /** false when the command was refused or failed. */
  ok: boolean;
  /** Only the caller sees it (input errors, reads). */
  ephemeral: boolean;
  /** Plain fallback text (notifications, logs, screen readers). */
  text: string;
  blocks: Block[];
  /** Set when the command became a request waiting for approval. */
  approvalId?: string;
  /** Set when the command became a job. */
  jobId?: string;
  /** The queued job's message state, for adapters that re-render it (e.g. with its queue position). */
  job?: { view: JobView; hostUp: boolean; channel?: string };
  host?: string;
  code?: ErrorCode;
  /** For a refusal about one argument: which (so a form can show it on that field). */
  field?: string;
  /** A paged read: which page this is, of how many (chat adapters add Prev/Next buttons). */
  page?: { page: number; pages: number };
}
