/**
 * The key names deployed bots and workers already stored data under. A change here orphans that
 * data (alerts, approvals, the audit trail, the Slack outbox): rename a key only with a migration.
 */
import { describe, expect, it } from 'vitest';
import { hostQueueName, Keys, NOTIFY_QUEUE } from '../../../src/store/keys.js';

const k = new Keys('vpsops');

describe('Keys', () => {
  it('builds every key under the prefix with the names deployed data is stored under', () => {
    expect({
      hosts: k.hosts,
      lastSeen: k.lastSeen,
      heartbeat: k.heartbeat('vz-1'),
      inventory: k.inventory('vz-1'),
      inventoryChannel: k.inventoryChannel,
      cancelChannel: k.cancelChannel('vz-1'),
      retried: k.retried('r1'),
      hostQueueWait: k.hostQueueWait('vz-1'),
      approval: k.approval('a1'),
      approvalRequest: k.approvalRequest('a1'),
      approvalsPending: k.approvalsPending,
      rateLimit: k.rateLimit('commands', 'u', 'U123', 42),
      rateLimitChannel: k.rateLimit('reads', 'c', '-', 7),
      alert: k.alert('job-failed:vz-1:r1'),
      alertHistory: k.alertHistory('job-failed:vz-1:r1'),
      alertPattern: k.alertPattern,
      alertsOpen: k.alertsOpen,
      alertsFlapping: k.alertsFlapping,
      silences: k.silences,
      maintenance: k.maintenance,
      digest: k.digest('2026-11-25'),
      slackMessage: k.slackMessage('r1'),
      slackLog: k.slackLog('r1'),
      slackItem: k.slackItem('i1'),
      slackDueHi: k.slackDue('hi'),
      slackDueLo: k.slackDue('lo'),
      slackWake: k.slackWake,
      notifierLeader: k.notifierLeader,
      audit: k.audit,
    }).toEqual({
      hosts: 'vpsops:hosts',
      lastSeen: 'vpsops:lastseen',
      heartbeat: 'vpsops:heartbeat:vz-1',
      inventory: 'vpsops:inventory:vz-1',
      inventoryChannel: 'vpsops:inventory-changed',
      cancelChannel: 'vpsops:cancel:vz-1',
      retried: 'vpsops:retried:r1',
      hostQueueWait: 'vpsops:host.vz-1:wait',
      approval: 'vpsops:approval:a1',
      approvalRequest: 'vpsops:approval:a1:request',
      approvalsPending: 'vpsops:approvals:pending',
      rateLimit: 'vpsops:rl:commands:u:U123:42',
      rateLimitChannel: 'vpsops:rl:reads:c:-:7',
      alert: 'vpsops:alert:job-failed:vz-1:r1',
      alertHistory: 'vpsops:alert:job-failed:vz-1:r1:history',
      alertPattern: 'vpsops:alert:*',
      alertsOpen: 'vpsops:alerts:open',
      alertsFlapping: 'vpsops:alerts:flapping',
      silences: 'vpsops:alerts:silences',
      maintenance: 'vpsops:alerts:maintenance',
      digest: 'vpsops:digest:2026-11-25',
      slackMessage: 'vpsops:slack:msg:r1',
      slackLog: 'vpsops:slack:msg:r1:log',
      slackItem: 'vpsops:slack:item:i1',
      slackDueHi: 'vpsops:slack:due:hi',
      slackDueLo: 'vpsops:slack:due:lo',
      slackWake: 'vpsops:slack:wake',
      notifierLeader: 'vpsops:notifier:leader',
      audit: 'vpsops:audit',
    });
  });

  it('names the queues as BullMQ allows them (no ":")', () => {
    expect(hostQueueName('vz-1')).toBe('host.vz-1');
    expect(NOTIFY_QUEUE).toBe('notify');
  });

  it('uses a Cluster hash-tag prefix as it is, and escapes glob characters only in the SCAN pattern', () => {
    expect(new Keys('{vpsops}').alert('f')).toBe('{vpsops}:alert:f');
    expect(new Keys('{vpsops}').alertPattern).toBe('{vpsops}:alert:*');
    expect(new Keys('a*b').alertPattern).toBe('a\\*b:alert:*');
    expect(new Keys('a*b').alert('f')).toBe('a*b:alert:f');
  });

  it('reads the fingerprint back from an alert key, not from its history', () => {
    expect(k.alertFingerprint(k.alert('cpu:vz-1'))).toBe('cpu:vz-1');
    expect(k.alertFingerprint(k.alertHistory('cpu:vz-1'))).toBeUndefined();
    expect(k.alertFingerprint('other:alert:x')).toBeUndefined();
  });
});
