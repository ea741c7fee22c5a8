/**
 * views.open / push / update / publish. Modals need a trigger_id the stand-in issued: valid for
 * `triggerLifeMs` (3 s like Slack) and once.
 */
import { type Answer, type Args, blocksError, fail, type Handler, invalidArguments } from './methods.js';
import { randomId, type StoredView } from './store.js';

function viewError(view: unknown, type?: string): Answer | undefined {
  if (!view || typeof view !== 'object') return invalidArguments('missing required field: view');
  const v = view as Record<string, unknown>;
  if (typeof v.type !== 'string')
    return invalidArguments('missing required field: type [json-pointer:/view]');
  if (type && v.type !== type) return invalidArguments(`must be '${type}' [json-pointer:/view/type]`);
  if (v.type === 'modal' && !v.title)
    return invalidArguments('missing required field: title [json-pointer:/view]');
  const bad = blocksError(v.blocks ?? [], 100);
  return (
    bad && invalidArguments(String((bad.response_metadata as { messages?: string[] })?.messages?.[0] ?? ''))
  );
}

function findView(ctx: Parameters<Handler>[0], args: Args): StoredView | undefined {
  const all = [...ctx.store.views.values(), ...ctx.store.homes.values()];
  if (typeof args.view_id === 'string') return all.find((v) => v.id === args.view_id);
  if (typeof args.external_id === 'string' && args.external_id) {
    return all.find((v) => v.external_id === args.external_id);
  }
  return undefined;
}

function duplicateExternal(ctx: Parameters<Handler>[0], view: Record<string, unknown>): boolean {
  const ext = view.external_id;
  return (
    typeof ext === 'string' && ext !== '' && [...ctx.store.views.values()].some((v) => v.external_id === ext)
  );
}

const open: Handler = (ctx, args) => {
  const bad = viewError(args.view, 'modal');
  if (bad) return bad;
  const trigger = ctx.store.exchangeTrigger(args.trigger_id ?? args.interactivity_pointer, ctx.triggerLifeMs);
  if ('error' in trigger) return fail(trigger.error);
  const input = args.view as Record<string, unknown>;
  if (duplicateExternal(ctx, input)) return fail('duplicate_external_id');
  const view = ctx.store.saveView(input);
  ctx.store.views.set(view.id, view);
  return { ok: true, view };
};

const push: Handler = (ctx, args) => {
  const bad = viewError(args.view, 'modal');
  if (bad) return bad;
  const trigger = ctx.store.exchangeTrigger(args.trigger_id ?? args.interactivity_pointer, ctx.triggerLifeMs);
  if ('error' in trigger) return fail(trigger.error);
  const input = args.view as Record<string, unknown>;
  if (duplicateExternal(ctx, input)) return fail('duplicate_external_id');
  // A push stacks on the modal the trigger came from, if the trigger came from one.
  const below = trigger.origin.viewId ? ctx.store.views.get(trigger.origin.viewId) : undefined;
  const view = below
    ? ctx.store.saveView(input, {
        id: `V${randomId(10)}`,
        root_view_id: below.root_view_id,
        previous_view_id: below.id,
      })
    : ctx.store.saveView(input);
  ctx.store.views.set(view.id, view);
  return { ok: true, view };
};

const update: Handler = (ctx, args) => {
  if (typeof args.view_id !== 'string' && typeof args.external_id !== 'string') {
    return invalidArguments('view_id or external_id required');
  }
  const bad = viewError(args.view);
  if (bad) return bad;
  const old = findView(ctx, args);
  if (!old) return fail('not_found');
  if (typeof args.hash === 'string' && args.hash !== old.hash) return fail('hash_conflict');
  const view = ctx.store.saveView(args.view as Record<string, unknown>, old);
  if (ctx.store.views.has(old.id)) ctx.store.views.set(view.id, view);
  for (const [user, home] of ctx.store.homes) if (home.id === old.id) ctx.store.homes.set(user, view);
  return { ok: true, view };
};

const publish: Handler = (ctx, args) => {
  const user = args.user_id;
  if (typeof user !== 'string' || !/^[UW][A-Z0-9]+$/.test(user)) return invalidArguments('invalid `user_id`');
  const bad = viewError(args.view, 'home');
  if (bad) return bad;
  const old = ctx.store.homes.get(user);
  if (old && typeof args.hash === 'string' && args.hash !== old.hash) return fail('hash_conflict');
  // Slack keeps one Home view per user and updates it in place.
  const view = ctx.store.saveView(args.view as Record<string, unknown>, old);
  ctx.store.homes.set(user, view);
  return { ok: true, view };
};

/** The views.* methods by name. */
export const VIEW_METHODS: Record<string, Handler> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
  'views.publish': publish,
};
