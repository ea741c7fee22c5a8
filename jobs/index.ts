/** The operation catalogue, in the order help lists it. */
import type { OperationDef } from '../src/ops/operation.js';
import ack from './ack.js';
import alerts from './alerts.js';
import approve from './approve.js';
import audit from './audit.js';
import cancel from './cancel.js';
import capacity from './capacity.js';
import create from './create.js';
import deny from './deny.js';
import destroy from './destroy.js';
import help from './help.js';
import hosts from './hosts.js';
import jobs from './jobs.js';
import list from './list.js';
import maintenance from './maintenance.js';
import pending from './pending.js';
import reboot from './reboot.js';
import resize from './resize.js';
import resume from './resume.js';
import revert from './revert.js';
import silence from './silence.js';
import snapshot from './snapshot.js';
import snapshots from './snapshots.js';
import start from './start.js';
import status from './status.js';
import stop from './stop.js';
import suspend from './suspend.js';

const ALL: OperationDef[] = [
  help,
  hosts,
  capacity,
  list,
  status,
  start,
  stop,
  reboot,
  suspend,
  resume,
  create,
  destroy,
  resize,
  snapshot,
  snapshots,
  revert,
  jobs,
  cancel,
  alerts,
  ack,
  silence,
  maintenance,
  pending,
  approve,
  deny,
  audit,
];

export const catalogue: ReadonlyMap<string, OperationDef> = new Map(ALL.map((op) => [op.name, op]));
