/** What the dispatcher needs from the audit trail: an append that fails loudly. */
import type { AuditEntry } from '../../store/audit.js';

export interface AuditSink {
  append(e: AuditEntry): Promise<unknown>;
}
