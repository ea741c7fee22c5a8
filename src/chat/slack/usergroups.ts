/**
 * Which Slack user groups a person is in, for policy grants to groups. One usergroups.list call
 * (with members) serves everyone for a few minutes; without the usergroups:read scope, or if
 * Slack fails, people simply count as in no group, which can only deny more, never allow more.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../log.js';

const TTL_MS = 5 * 60_000;

export class UserGroups {
  private byUser = new Map<string, string[]>();
  private fetchedAt = 0;
  private loading: Promise<void> | undefined;
  private warned = false;

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
  ) {}

  async of(user: string): Promise<string[]> {
    if (Date.now() - this.fetchedAt > TTL_MS) await this.refresh();
    return this.byUser.get(user) ?? [];
  }

  private refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      const res = await this.client.usergroups.list({ include_users: true });
      const map = new Map<string, string[]>();
      for (const g of res.usergroups ?? []) {
        for (const u of g.users ?? []) map.set(u, [...(map.get(u) ?? []), g.id!]);
      }
      this.byUser = map;
    } catch (err) {
      if (!this.warned)
        this.log.warn(
          { err: (err as Error).message },
          'cannot read Slack user groups; grants to groups will not apply',
        );
      this.warned = true;
    }
    this.fetchedAt = Date.now();
  }
}
