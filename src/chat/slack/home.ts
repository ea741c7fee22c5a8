/**
 * The App Home tab: the fleet with how full each host is, and the user's recent jobs. A pure
 * function of what Redis holds; the Slack adapter publishes it with `views.publish`.
 */
import { type Allocation, allocation, type Usage } from '../../model/allocation.js';
import type { GuestState } from '../../model/hypervisor.js';
import { formatSize } from '../../model/units.js';
import type { HostView } from '../../store/fleet.js';
import {
  actions,
  type Block,
  button,
  context,
  divider,
  escapeMrkdwn,
  header,
  progressBar,
  type SectionBlock,
  section,
} from '../view/blocks.js';
import { ageText, hostState, stateLabel } from '../view/messages.js';
import { clip, LIMITS } from './limits.js';

/** A Home tab view as `views.publish` takes it. */
export interface HomeView {
  type: 'home';
  blocks: Block[];
}

/** One configured host with what the fleet store knows about it. */
export interface HomeHost {
  view: HostView;
  kind: string;
  group: string;
}

/** One of the user's jobs; `state` is a BullMQ state or a job phase, `at` epoch ms. */
export interface HomeJob {
  id: string;
  op: string;
  target: string;
  host: string;
  state: string;
  at: number;
}

/** What the Home tab shows. `jobs` should already be the user's own. */
export interface HomeInput {
  hosts: HomeHost[];
  jobs: HomeJob[];
  /** Slack user id the view is published for. */
  user: string;
  now: number;
}

/** action_id of the Refresh button; its value is the user id the view was built for. */
export const HOME_REFRESH_ACTION = 'home_refresh';

const MAX_JOBS = 10;
// Blocks around the host list: Fleet header, divider, jobs header, jobs section, context, actions.
const FIXED_BLOCKS = 6;
const STATES: readonly GuestState[] = ['running', 'stopped', 'paused', 'crashed', 'unknown'];

const JOB_ICON: Record<string, string> = {
  queued: '⏳',
  waiting: '⏳',
  delayed: '⏳',
  prioritized: '⏳',
  'waiting-children': '⏳',
  running: '▶️',
  progress: '▶️',
  active: '▶️',
  retrying: '🔁',
  done: '✅',
  completed: '✅',
  failed: '❌',
  cancelled: '🚫',
};

/**
 * A bar for an allocation that, unlike `progressBar`, still shows more than 100%:
 * `▓▓▓▓▓▓▓▓▓▓ 132% (overcommitted)`.
 */
export function allocationBar(u: Usage): string {
  if (u.total <= 0) return u.used > 0 ? 'host reports no capacity' : '—';
  const pct = (u.used / u.total) * 100;
  if (u.used <= u.total) return progressBar(pct);
  return `${'▓'.repeat(10)} ${Math.round(pct)}% (overcommitted)`;
}

/** `🟢 3 running · ⚪ 1 stopped`, states with no guest left out. */
export function guestCounts(counts: Record<GuestState, number>): string {
  const parts = STATES.filter((s) => counts[s] > 0).map((s) => {
    // stateLabel is "<icon> <state>"; put the number between them.
    const [icon] = stateLabel(s).split(' ');
    return `${icon} ${counts[s]} ${s}`;
  });
  return parts.length ? parts.join(' · ') : 'none';
}

function allocationFields(a: Allocation): string[] {
  return [
    `*CPU*\n${allocationBar(a.cpu)}\n${a.cpu.used} / ${a.cpu.total} vCPU`,
    `*RAM*\n${allocationBar(a.memory)}\n${formatSize(a.memory.used)} / ${formatSize(a.memory.total)}`,
    `*Disk*\n${allocationBar(a.disk)}\n${formatSize(a.disk.used)} / ${formatSize(a.disk.total)}`,
    `*Guests*\n${guestCounts(a.counts)}`,
  ];
}

/** One host: name, kind, group and state, then CPU/RAM/disk bars and guests by state. */
export function hostSection(h: HomeHost, now: number): SectionBlock {
  const v = h.view;
  const state = hostState(v, now);
  let title = `*${escapeMrkdwn(v.name)}* · ${escapeMrkdwn(h.kind)} · group ${escapeMrkdwn(h.group)} · ${state}`;
  if (!v.registration) {
    // hostState already says "never seen" unless the host was seen without registering.
    if (!state.includes('never seen')) title += '\ncapacity never seen';
    return section(clip(title, LIMITS.sectionText));
  }
  // A silent host's figures are from its last scan: say how old they are.
  if (v.lastBeat === undefined && v.inventory) title += `\nfigures as of ${ageText(v.inventory.at, now)}`;
  return section(clip(title, LIMITS.sectionText), allocationFields(allocation(v.registration, v.inventory)));
}

/**
 * The hosts to show when there is room for `room` blocks, and the ones summarized instead. Silent
 * hosts are picked first so a large fleet never hides a problem; the fleet order is kept.
 */
function pickHosts(hosts: HomeHost[], room: number): { shown: HomeHost[]; hidden: HomeHost[] } {
  if (hosts.length <= room) return { shown: hosts, hidden: [] };
  const slots = Math.max(0, room - 1); // one block goes to the summary line
  const order = hosts
    .map((h, i) => ({ i, silent: h.view.lastBeat === undefined }))
    .sort((a, b) => Number(b.silent) - Number(a.silent) || a.i - b.i);
  const chosen = new Set(order.slice(0, slots).map((o) => o.i));
  return {
    shown: hosts.filter((_, i) => chosen.has(i)),
    hidden: hosts.filter((_, i) => !chosen.has(i)),
  };
}

function hiddenSummary(hidden: HomeHost[]): Block {
  const up = hidden.filter((h) => h.view.lastBeat !== undefined).length;
  const guests = hidden.reduce((n, h) => n + (h.view.inventory?.guests.length ?? 0), 0);
  return context(
    `+${hidden.length} more hosts not shown: ${up} up, ${hidden.length - up} not reporting, ${guests} guests · \`/vps hosts\` lists them all`,
  );
}

/** One line per job, newest first: icon, op, target on host, state, age, id. */
export function jobLines(jobs: HomeJob[], now: number): string {
  return [...jobs]
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_JOBS)
    .map(
      (j) =>
        `${JOB_ICON[j.state] ?? '•'} *${escapeMrkdwn(j.op)}* ${escapeMrkdwn(j.target)} on ${escapeMrkdwn(j.host)} · ${escapeMrkdwn(j.state)} · ${ageText(j.at, now)} · \`${escapeMrkdwn(j.id)}\``,
    )
    .join('\n');
}

/** Slack shows this in the reader's time zone; the fallback (after `|`) is what the terminal shows. */
function slackTime(now: number): string {
  const fallback = `${new Date(now).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(now / 1000)}^{date_short_pretty} {time_secs}|${fallback}>`;
}

/**
 * The Home tab of `input.user`: the fleet, their last jobs, when it was built and a Refresh button
 * (`home_refresh`). Never more than Slack's 100 blocks: hosts that do not fit become one summary line.
 */
export function homeView(input: HomeInput): HomeView {
  const { hosts, jobs, user, now } = input;
  const blocks: Block[] = [header('Fleet')];
  if (hosts.length === 0) {
    blocks.push(section('No hosts are configured; add them under `hosts:` in the config file.'));
  } else {
    const { shown, hidden } = pickHosts(hosts, LIMITS.viewBlocks - FIXED_BLOCKS);
    blocks.push(...shown.map((h) => hostSection(h, now)));
    if (hidden.length) blocks.push(hiddenSummary(hidden));
  }
  blocks.push(divider(), header('Your recent jobs'));
  blocks.push(section(jobs.length ? clip(jobLines(jobs, now), LIMITS.sectionText) : 'No jobs yet'));
  blocks.push(context(`updated ${slackTime(now)}`), actions(button('Refresh', HOME_REFRESH_ACTION, user)));
  return { type: 'home', blocks };
}
