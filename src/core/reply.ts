/** What the bot answers to a command, before any chat adapter formats it. */
import type { Block } from '../chat/blocks.js';
import type { ErrorCode } from './errors.js';

export interface Reply {
  /** false when the command was refused or failed. */
  ok: boolean;
  /** Only the caller sees it (input errors, reads). */
  ephemeral: boolean;
  /** Plain fallback text (notifications, logs, screen readers). */
  text: string;
  blocks: Block[];
  /** Set when the command became a job. */
  jobId?: string;
  host?: string;
  code?: ErrorCode;
}
