/**
 * The services bot-side operations use, for one caller: the stores behind the ops/ interfaces,
 * with what the caller may see and run worked out from the access policy.
 */

import { OpError } from '../model/errors.js';
import type { BotServices, OperationDef } from '../ops/operation.js';
import type { AlertService, AuditReads, FleetReads, JobService } from '../ops/services.js';
import type { AlertStore } from '../store/alerts.js';
import type { ApprovalFlow } from './approvals.js';
import type { AccessPolicy, Subject } from './policy/policy.js';

export interface ServiceDeps {
  fleet: FleetReads;
  jobs: JobService;
  /** Without an alert store (some tests), the alert verbs answer that alerts are off. */
  alerts?: AlertStore;
  approvals: ApprovalFlow;
  audit: AuditReads;
  catalogue: ReadonlyMap<string, OperationDef>;
  hostNames: string[];
  access: AccessPolicy;
  now(): number;
}

/** Alerts, silences and maintenance windows as operations see them. */
export function alertService(store: AlertStore): AlertService {
  const s = store.silences;
  return {
    get: (fp) => store.get(fp),
    open: () => store.open(),
    ack: (fp, user, now) => store.ack(fp, user, now),
    maintenance: (now) => s.allMaintenance(now),
    silence: async (silence, now) => {
      const made = await s.silence(silence, now);
      // The alert's own message must say it is muted, once, and the next check must not say it again.
      if ('fingerprint' in silence.scope) await store.remute(silence.scope.fingerprint, now);
      return made;
    },
    startMaintenance: (host, w, now) => s.startMaintenance(host, w, now),
    endMaintenance: (host) => s.endMaintenance(host),
  };
}

const off = async (): Promise<never> => {
  throw new OpError('INTERNAL', 'Alerts are not available in this process.');
};
const noAlerts: AlertService = {
  get: off,
  open: off,
  ack: off,
  maintenance: off,
  silence: off,
  startMaintenance: off,
  endMaintenance: off,
};

/** The services for one caller. */
export function servicesFor(d: ServiceDeps, who: Subject): BotServices {
  const alerts = d.alerts ? alertService(d.alerts) : noAlerts;
  let allowed: ReadonlySet<string> | undefined;
  return {
    fleet: d.fleet,
    jobs: d.jobs,
    alerts,
    approvals: d.approvals,
    audit: d.audit,
    catalogue: d.catalogue,
    hostNames: d.hostNames,
    now: d.now,
    visible: (host, guest) =>
      guest === undefined ? d.access.canSeeHost(who, host) : d.access.canSee(who, host, guest),
    // Worked out only when an operation asks (help), not on every read.
    allowedVerbs: () => {
      allowed ??= new Set(d.access.allowedVerbs(who, d.catalogue.values()));
      return allowed;
    },
  };
}
