/**
 * Turns what the fleet reports into alerts people act on: guest notices (crashes, stops nobody
 * asked for, and the guest coming back), jobs that failed for good, and on a timer, overcommit
 * levels and hosts that went silent (and came back). The store decides what is new, what changed,
 * a mere repeat, a resolution or muted; the manager hands each visible change to the chat
 * adapter, once, and nothing for a check that changed nothing.
 */
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import {
  type Alert,
  type AlertState,
  fingerprint,
  type RaiseDecision,
  type ResolveDecision,
} from '../../model/alert.js';
import {
  formatRatio,
  type Level,
  overcommitLevels,
  RESOURCE_LABEL,
  type Resource,
} from '../../model/overcommit.js';
import { formatDuration } from '../../model/units.js';
import type { AlertStore } from '../../store/alerts.js';
import type { FleetStore, HostView } from '../../store/fleet.js';
import type { GuestNotice, JobNotice, PressureNotice } from '../../store/notify.js';
import { changeNote } from './change-note.js';
import { crashAlert, guestLabel, jobFailedAlert, pressureAlert, stoppedAlert } from './guest-alerts.js';

/** A change people should see: the alert's message to post or edit, and a line for its thread. */
export interface AlertEvent {
  state: AlertState;
  /** A new alert, one whose message shows something new, or one that cleared. */
  change: 'opened' | 'updated' | 'resolved';
  /** A follow-up for the alert's thread ("escalated to critical", "resolved: web-1 is running again"). */
  note?: string;
  /** For a failed job: the requester's job message, whose thread also gets the note. */
  jobRequestId?: string;
}

export interface AlertManagerOptions {
  store: AlertStore;
  fleet: FleetStore;
  config: Config;
  log: Logger;
  emit(e: AlertEvent): Promise<void>;
  now?: () => number;
}

/** A pressure alert with no growth reported for this long is resolved (see evaluate). */
const PRESSURE_QUIET_MS = 10 * 60_000;

export class AlertManager {
  private readonly levels = new Map<string, Partial<Record<Resource, Level>>>();
  /** Guests that were running on a host when it went silent, to check when it is back. */
  private readonly runningAtSilence = new Map<string, string[]>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly o: AlertManagerOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.evaluate().catch((err) => this.o.log.error({ err }, 'alert evaluation failed'));
    }, this.o.config.alerts.interval);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private group(host: string): string {
    return this.o.config.hosts[host]?.group ?? 'default';
  }

  async onGuest(n: GuestNotice): Promise<void> {
    const label = guestLabel(n);
    if (n.event === 'started' || n.event === 'resumed') {
      await this.resolve(fingerprint('crash', n.host, n.guestId), `${label} is running again`);
      await this.resolve(fingerprint('stopped', n.host, n.guestId), `${label} is running again`);
      return;
    }
    // OpenVZ has no crash event: a container that stops when nothing of ours stopped it crashed.
    const crashed =
      n.event === 'crashed' || (n.event === 'stopped' && this.o.config.hosts[n.host]?.kind === 'openvz');
    if (crashed) await this.raise(crashAlert(n, this.group(n.host)));
    // KVM tells a shutdown from a crash: someone stopped it on the host or inside the guest.
    else if (n.event === 'stopped') await this.raise(stoppedAlert(n, this.group(n.host)));
  }

  /** A job that failed for good (after its retries): an alert, also in the requester's thread. */
  async onJobFailed(n: JobNotice, targetLabel: string): Promise<void> {
    await this.raise(jobFailedAlert(n, targetLabel, this.group(n.host)), n.requestId);
  }

  /** A container's fail counter grew: a warning naming the container and the resource (one per pair). */
  async onPressure(n: PressureNotice): Promise<void> {
    await this.raise(pressureAlert(n, this.group(n.host)));
  }

  /** One monitoring cycle: overcommit and silent hosts, then the store's own timers (flapping). */
  async evaluate(): Promise<void> {
    const views = await this.o.fleet.hosts(Object.keys(this.o.config.hosts));
    for (const v of views) {
      await this.silence(v);
      if (v.registration) await this.overcommit(v);
    }
    await this.guestsBack(views);
    await this.pressureQuiet();
    for (const s of await this.o.store.settle(this.now())) await this.handle(s.decision, noteOf(s.decision));
  }

  /** A crashed or stopped guest that runs again resolves its alert (started by anyone, anyhow). */
  private async guestsBack(views: HostView[]): Promise<void> {
    const byHost = new Map(views.map((v) => [v.name, v]));
    for (const a of await this.o.store.open()) {
      if (a.kind !== 'crash' && a.kind !== 'stopped') continue;
      const id = a.fingerprint.split(':')[2];
      const inv = byHost.get(a.host)?.inventory;
      // Only a listing taken after the alert counts: an older one may predate the crash.
      if (!inv || inv.at <= a.lastAt) continue;
      const g = inv.guests.find((x) => x.id === id);
      if (g?.state === 'running') await this.resolve(a.fingerprint, `${g.name} is running again`);
    }
  }

  // Resolved by age here, not by the worker: that survives worker restarts and containers that stop.
  private async pressureQuiet(): Promise<void> {
    for (const a of await this.o.store.open()) {
      if (a.kind !== 'pressure' || this.now() - a.lastAt < PRESSURE_QUIET_MS) continue;
      const what = a.details?.Resource ? `${a.details.Resource} ` : '';
      await this.resolve(a.fingerprint, `no ${what}failures for ${formatDuration(PRESSURE_QUIET_MS)}`);
    }
  }

  private async silence(v: HostView): Promise<void> {
    const fp = fingerprint('host-silent', v.name);
    if (v.lastBeat === undefined && v.lastSeen !== undefined) {
      const running = (v.inventory?.guests ?? []).filter((g) => g.state === 'running').map((g) => g.name);
      if (!this.runningAtSilence.has(v.name)) this.runningAtSilence.set(v.name, running);
      const since = new Date(v.lastSeen).toISOString();
      await this.raise({
        fingerprint: fp,
        kind: 'host-silent',
        severity: 'critical',
        host: v.name,
        group: this.group(v.name),
        title: `host ${v.name} is not reporting since ${since}`,
        text: `No heartbeat from ${v.name}'s worker since ${since}. Running there then: ${running.join(', ') || 'no guests'}.`,
        affected: running,
      });
      return;
    }
    if (v.lastBeat === undefined) return;
    const before = this.runningAtSilence.get(v.name);
    const r = await this.o.store.resolve(fp, this.now());
    if (r.action === 'none') return;
    this.runningAtSilence.delete(v.name);
    const back = new Set((v.inventory?.guests ?? []).filter((g) => g.state === 'running').map((g) => g.name));
    const missing = (before ?? []).filter((g) => !back.has(g));
    const down = formatDuration(r.action === 'resolve' ? r.durationMs : 0);
    const note = `${v.name} is reporting again after ${down} of silence.${missing.length ? ` Not running since: ${missing.join(', ')}.` : ''}`;
    await this.handle(r, note);
    if (missing.length)
      await this.raise({
        fingerprint: fingerprint('stopped', v.name, 'after-silence'),
        kind: 'stopped',
        severity: 'warning',
        host: v.name,
        group: this.group(v.name),
        title: `${v.name} is back, but ${missing.length} guest${missing.length === 1 ? '' : 's'} did not come back`,
        text: `Running before ${v.name} went silent, not running now: ${missing.join(', ')}.`,
        affected: missing,
      });
  }

  private async overcommit(v: HostView): Promise<void> {
    const prev = this.levels.get(v.name) ?? {};
    const levels = overcommitLevels({
      host: v.name,
      group: this.group(v.name),
      registration: v.registration!,
      inventory: v.inventory,
      config: this.o.config,
      previous: prev,
    });
    const next: Partial<Record<Resource, Level>> = {};
    for (const l of levels) {
      next[l.resource] = l.level;
      const fp = fingerprint('overcommit', v.name, l.resource);
      if (l.level === 'ok') {
        if (prev[l.resource] && prev[l.resource] !== 'ok')
          await this.resolve(fp, `${RESOURCE_LABEL[l.resource]} is back at ${formatRatio(l.ratio)}`);
        continue;
      }
      await this.raise({
        fingerprint: fp,
        kind: 'overcommit',
        severity: l.level === 'critical' ? 'critical' : 'warning',
        host: v.name,
        group: this.group(v.name),
        title: `${v.name} ${RESOURCE_LABEL[l.resource]} overcommitted ${formatRatio(l.ratio)} (${l.level})`,
        text: `${v.name} has promised its guests ${formatRatio(l.ratio)} of its ${RESOURCE_LABEL[l.resource]}; the policy warns at ${formatRatio(l.policy.warn)} and is critical at ${formatRatio(l.policy.critical)}.`,
        details: {
          Ratio: formatRatio(l.ratio),
          Policy: `warn ${formatRatio(l.policy.warn)}, critical ${formatRatio(l.policy.critical)}`,
        },
      });
    }
    this.levels.set(v.name, next);
  }

  private async raise(a: Alert, jobRequestId?: string): Promise<void> {
    const d = await this.o.store.raise(a, this.now());
    await this.handle(d, noteOf(d), jobRequestId);
  }

  private async resolve(fp: string, why: string): Promise<void> {
    const d = await this.o.store.resolve(fp, this.now());
    await this.handle(d, d.action === 'resolve' ? `resolved: ${why}` : undefined);
  }

  /** Hands a visible change to chat; a repeat, a muted alert or one never shown is only logged. */
  private async handle(
    d: RaiseDecision | ResolveDecision,
    note?: string,
    jobRequestId?: string,
  ): Promise<void> {
    if (d.action === 'none') return;
    // A suppressed decision is shown only to say flapping started or ended on a message people saw.
    const shown = d.action === 'suppress' ? d.flap !== undefined && d.state.announced : d.state.announced;
    if (!shown) {
      const why = d.action === 'suppress' ? d.why : 'never shown';
      this.o.log.debug({ fingerprint: d.state.fingerprint, action: d.action, why }, 'alert change not shown');
      return;
    }
    const change = d.action === 'post' ? 'opened' : d.action === 'resolve' ? 'resolved' : 'updated';
    const e: AlertEvent = { state: d.state, change };
    if (note) e.note = note;
    if (jobRequestId) e.jobRequestId = jobRequestId;
    await this.o.emit(e);
  }
}

/** The line for an alert's thread that says what changed (escalated, silenced, flapping…). */
function noteOf(d: RaiseDecision | ResolveDecision): string | undefined {
  if (d.action === 'update') return changeNote(d.changes, d.state);
  if (d.action === 'suppress' && d.flap) return changeNote([`flap-${d.flap}`], d.state);
  return undefined;
}
