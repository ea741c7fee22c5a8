/**
 * The words of the KVM driver's error sentences: the verb for each action and the sentence for a
 * guest in the wrong state. Kept apart from the mapping so the sentences can be read in one place.
 */

/** What the driver was doing; picks the verb and the sentence for state conflicts. */
export type KvmAction =
  | 'connect'
  | 'info'
  | 'capacity'
  | 'list'
  | 'watch'
  | 'start'
  | 'shutdown'
  | 'powerOff'
  | 'reboot'
  | 'suspend'
  | 'resume'
  | 'create'
  | 'destroy'
  | 'resize'
  | 'snapshotCreate'
  | 'snapshotList'
  | 'snapshotRevert'
  | 'snapshotDelete';

/** The verb phrase of each action, as in "could not <verb> guest web-1". */
export const VERBS: Record<KvmAction, string> = {
  connect: 'connect to libvirt',
  info: 'read the host information',
  capacity: 'read the host capacity',
  list: 'list the guests',
  watch: 'watch for guest events',
  start: 'start',
  shutdown: 'shut down',
  powerOff: 'power off',
  reboot: 'reboot',
  suspend: 'suspend',
  resume: 'resume',
  create: 'create',
  destroy: 'destroy',
  resize: 'resize',
  snapshotCreate: 'snapshot',
  snapshotList: 'list the snapshots of',
  snapshotRevert: 'revert',
  snapshotDelete: 'delete a snapshot of',
};

/** What to say when a guest is not running, per action; the default is "is not running." */
export const NOT_RUNNING: Partial<Record<KvmAction, string>> = {
  shutdown: 'is not running, so there is nothing to shut down.',
  powerOff: 'is already stopped.',
  reboot: 'is not running, so it cannot be rebooted; start it instead.',
  suspend: 'is not running, so it cannot be suspended.',
  resume: 'is not running, so it cannot be resumed; start it instead.',
  resize: 'is not running, so the change cannot be applied live.',
};

/** What to say when a guest is already running, per action; the default is "is already running." */
export const ALREADY_RUNNING: Partial<Record<KvmAction, string>> = {
  resume: 'is already running, so there is nothing to resume.',
  destroy: 'is running; stop it before destroying it.',
};

/** The verb in "cannot be <verbed> in its current state". */
export function pastTense(action: KvmAction): string {
  const special: Partial<Record<KvmAction, string>> = {
    shutdown: 'shut down',
    powerOff: 'powered off',
    snapshotCreate: 'snapshotted',
    snapshotRevert: 'reverted',
    snapshotDelete: 'changed',
    snapshotList: 'inspected',
  };
  const verb = VERBS[action];
  return special[action] ?? (verb.endsWith('e') ? `${verb}d` : `${verb}ed`);
}
