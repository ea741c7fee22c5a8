/** The stand-in's usergroups.list: the user groups it was started with, members on request. */
import type { Handler } from './methods.js';

/** A Slack user group (`S…`) and its members. */
export interface UserGroup {
  id: string;
  handle: string;
  users: string[];
}

export const USERGROUP_METHODS: Record<string, Handler> = {
  'usergroups.list': (ctx, args) => {
    const withUsers = args.include_users === true || args.include_users === 'true';
    return {
      ok: true,
      usergroups: (ctx.usergroups ?? []).map((g) => ({
        id: g.id,
        team_id: ctx.store.identity.teamId,
        handle: g.handle,
        name: g.handle,
        ...(withUsers ? { users: g.users, user_count: g.users.length } : { user_count: g.users.length }),
      })),
    };
  },
};
