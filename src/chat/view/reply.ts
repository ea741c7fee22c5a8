/**
 * Replies as Block Kit: the one place that turns what the pipeline answered (data) into what a chat
 * shows. Slack sends these blocks; the terminal renders them to text (view/text.ts).
 */
import { approvalAskText, type Reply } from '../../model/outcome.js';
import type { View } from '../../model/view.js';
import { alertsBlocks, maintenanceBlocks, silencedBlocks } from './answers/alerts.js';
import { approvalsBlocks } from './answers/approvals.js';
import { auditBlocks } from './answers/audit.js';
import { capacityBlocks, hostsBlocks } from './answers/fleet.js';
import { guestBlocks, guestsBlocks, snapshotRows } from './answers/guests.js';
import { helpBlocks, verbBlocks } from './answers/help.js';
import { jobsBlocks } from './answers/jobs.js';
import { type Block, context, escapeMrkdwn, section } from './blocks.js';
import { queuedBlocks } from './job-message.js';

/** What to draw for one view. */
export function viewBlocks(v: View): Block[] {
  switch (v.kind) {
    case 'text':
      return [section(`${v.icon ? `${v.icon} ` : ''}${escapeMrkdwn(v.text)}`)];
    case 'error': {
      const blocks: Block[] = [section(`❌ ${escapeMrkdwn(v.error.message)}`)];
      if (v.error.hint) blocks.push(context(escapeMrkdwn(v.error.hint)));
      return blocks;
    }
    case 'help':
      return helpBlocks(v.verbs);
    case 'help-verb':
      return verbBlocks(v.verb);
    case 'hosts':
      return hostsBlocks(v);
    case 'capacity':
      return capacityBlocks(v);
    case 'guests':
      return guestsBlocks(v);
    case 'guest':
      return guestBlocks(v);
    case 'jobs':
      return jobsBlocks(v);
    case 'alerts':
      return alertsBlocks(v);
    case 'silenced':
      return silencedBlocks(v);
    case 'maintenance':
      return maintenanceBlocks(v);
    case 'approvals':
      return approvalsBlocks(v);
    case 'audit':
      return auditBlocks(v);
    case 'snapshots':
      return [section(escapeMrkdwn(v.summary)), ...snapshotRows(v)];
  }
}

/** What to draw for a reply: the queued job's message, the approval notice, or the view. */
export function replyBlocks(r: Reply): Block[] {
  if (r.job) return queuedBlocks(r.job.view, r.job.hostUp);
  if (r.approval)
    return [section(escapeMrkdwn(approvalAskText(r.approval)).replace(/&lt;#(\w+)&gt;/, '<#$1>'))];
  if (r.view) return viewBlocks(r.view);
  return [section(escapeMrkdwn(r.text))];
}
