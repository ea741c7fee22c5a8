/** What the dispatcher needs from the audit trail: an append that fails loudly. */
import type { AuditEntry } from '../audit/log.js';

export interface AuditSink {
  append(e: AuditEntry): Promise<unknown>;
}
