/**
 * Wires a pipeline from the bot's stores: the approval flow, the maintenance cache and the
 * services bot-side operations use. The bot core builds one; tests build their own the same way.
 */
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { AuditSink } from '../../model/audit.js';
import type { OperationDef } from '../../ops/operation.js';
import type { AuditReads } from '../../ops/services.js';
import type { AlertStore } from '../../store/alerts.js';
import type { ApprovalStore } from '../../store/approvals.js';
import type { FleetStore } from '../../store/fleet.js';
import type { InventorySource } from '../../store/inventory-cache.js';
import type { JobStore } from '../../store/jobs.js';
import type { NotifyPublisher } from '../../store/notify.js';
import type { PeopleLimits } from '../../store/people-limits.js';
import { MaintenanceCache } from '../alerts/maintenance-cache.js';
import { ApprovalFlow, type Decider } from '../approvals.js';
import type { AccessPolicy } from '../policy/policy.js';
import { servicesFor } from '../services.js';
import { Pipeline } from './pipeline.js';

export interface PipelineOptions {
  config: Config;
  catalogue: ReadonlyMap<string, OperationDef>;
  fleet: FleetStore;
  /** Index of guest names for resolution; defaults to reading the fleet store each time. */
  guestIndex?: InventorySource;
  jobs: JobStore;
  jobKey: string;
  log: Logger;
  access: AccessPolicy;
  audit: AuditSink & AuditReads;
  approvals: ApprovalStore;
  notify: NotifyPublisher;
  limits?: PeopleLimits;
  /** Alerts, silences and maintenance windows; without them those verbs answer that they are off. */
  alerts?: AlertStore;
  now?: () => number;
}

/** A pipeline and the approval flow it shares with the approval sweeper. */
export function createPipeline(o: PipelineOptions): { pipeline: Pipeline; approvals: ApprovalFlow } {
  const now = o.now ?? Date.now;
  const subjectOf = (d: Decider) => ({
    user: d.user,
    usergroups: d.usergroups ?? [],
    ...(d.channel ? { channel: d.channel } : {}),
  });
  let pipeline: Pipeline | undefined;
  const approvals = new ApprovalFlow({
    store: o.approvals,
    notify: o.notify,
    audit: o.audit,
    mayApprove: (d, host, guest) => o.access.mayApprove(subjectOf(d), host, guest),
    canSee: (d, host, guest) =>
      guest ? o.access.canSee(subjectOf(d), host, guest) : o.access.canSeeHost(subjectOf(d), host),
    runApproved: (record) => pipeline!.runApproved(record),
    now,
  });
  const serviceDeps = {
    fleet: o.fleet,
    jobs: o.jobs,
    approvals,
    audit: o.audit,
    catalogue: o.catalogue,
    hostNames: Object.keys(o.config.hosts),
    access: o.access,
    now,
    ...(o.alerts ? { alerts: o.alerts } : {}),
  };
  pipeline = new Pipeline({
    config: o.config,
    catalogue: o.catalogue,
    fleet: o.fleet,
    guestIndex: o.guestIndex ?? o.fleet,
    jobs: o.jobs,
    jobKey: o.jobKey,
    log: o.log,
    access: o.access,
    audit: o.audit,
    approvals,
    alerts: o.alerts ?? { get: async () => undefined },
    services: (who) => servicesFor(serviceDeps, who),
    now,
    ...(o.limits ? { limits: o.limits } : {}),
    ...(o.alerts ? { maintenance: new MaintenanceCache(o.alerts.silences, now) } : {}),
  });
  return { pipeline, approvals };
}
