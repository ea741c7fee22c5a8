/**
 * Turns the positional word into a target: a guest on a host (from the inventories in Redis), a
 * new guest's host, a host, a job or request id. Unknown names get "did you mean"; nothing here runs a command.
 */

import { OpError } from '../../model/errors.js';
import type { Guest } from '../../model/hypervisor.js';
import { NAME_RE } from '../../ops/args.js';
import type { ParsedCommand } from '../../ops/grammar.js';
import type { ResolvedTarget } from '../../ops/operation.js';
import { didYouMean } from '../../ops/suggest.js';
import type { InventorySource } from '../../store/inventory-cache.js';

export interface ResolveContext {
  inventory: InventorySource;
  hostNames: string[];
  /** The alert a fingerprint names, if it is kept and the caller may see it. */
  alert(fingerprint: string): Promise<{ host: string; guest?: string } | undefined>;
}

function checkHost(host: string, hostNames: string[]): string {
  if (hostNames.includes(host)) return host;
  throw new OpError('HOST_NOT_FOUND', `No host named "${host}".${didYouMean(host, hostNames)}`, {
    hint: hostNames.length ? `Hosts: ${hostNames.join(', ')}.` : 'No hosts are configured.',
    field: 'host',
  });
}

/** The one host a host-bound request goes to when the user did not name one. */
function onlyHost(verb: string, hostNames: string[]): string {
  if (hostNames.length === 1) return hostNames[0]!;
  throw new OpError(
    'BAD_INPUT',
    `${verb} needs host=NAME here, since the fleet has ${hostNames.length} hosts.`,
    {
      hint: `Hosts: ${hostNames.join(', ') || 'none configured'}.`,
      field: 'host',
    },
  );
}

async function resolveGuest(word: string, ctx: ResolveContext): Promise<Resolved> {
  const at = word.lastIndexOf('@');
  const name = at > 0 ? word.slice(0, at) : word;
  const hosts = at > 0 ? [checkHost(word.slice(at + 1), ctx.hostNames)] : ctx.hostNames;
  const invs = await ctx.inventory.inventories(hosts);
  const matches: { host: string; guest: Guest }[] = [];
  for (const h of hosts) {
    for (const g of invs.get(h)?.guests ?? [])
      if (g.id === name || g.name === name) matches.push({ host: h, guest: g });
  }
  if (matches.length === 0) {
    for (const h of hosts) {
      for (const g of invs.get(h)?.guests ?? [])
        if (g.name.toLowerCase() === name.toLowerCase()) matches.push({ host: h, guest: g });
    }
  }
  if (matches.length === 1) {
    const { host, guest } = matches[0]!;
    return { target: { kind: 'guest', host, guestId: guest.id, guestName: guest.name }, guest };
  }
  if (matches.length > 1) {
    const where = matches.map((m) => `${m.guest.name}@${m.host}`);
    throw new OpError('BAD_INPUT', `"${name}" is on more than one host; say which: ${where.join(' or ')}.`);
  }
  const names = hosts.flatMap((h) => (invs.get(h)?.guests ?? []).map((g) => g.name));
  const silent = hosts.filter((h) => !invs.has(h));
  const note = silent.length
    ? ` (${silent.join(', ')} ${silent.length === 1 ? 'has' : 'have'} not reported an inventory yet)`
    : '';
  throw new OpError('GUEST_NOT_FOUND', `No guest named "${name}"${note}.${didYouMean(name, names)}`, {
    hint: 'See /vps list for the guests you can use.',
  });
}

async function resolveNewGuest(cmd: ParsedCommand, ctx: ResolveContext): Promise<ResolvedTarget> {
  const word = cmd.word!;
  if (!NAME_RE.test(word)) {
    throw new OpError(
      'BAD_INPUT',
      `"${word}" is not a valid guest name (letters, digits, ".", "_" and "-", at most 63).`,
      { field: 'name' },
    );
  }
  const requested = cmd.args.host as string | undefined;
  const host =
    requested !== undefined ? checkHost(requested, ctx.hostNames) : onlyHost(cmd.op.name, ctx.hostNames);
  const inv = (await ctx.inventory.inventories([host])).get(host);
  if (inv?.guests.some((g) => g.name === word || g.id === word)) {
    throw new OpError('ALREADY_EXISTS', `A guest named "${word}" already exists on ${host}.`, {
      hint: 'Pick another name.',
      field: 'name',
    });
  }
  return { kind: 'new-guest', host, word };
}

/** A resolved target, and for a guest, the guest as the inventory shows it. */
export interface Resolved {
  target: ResolvedTarget;
  guest?: Guest;
}

/** Resolves the target of a parsed command; `live` says whether it goes to a host queue. */
export async function resolveTarget(
  cmd: ParsedCommand,
  ctx: ResolveContext,
  live: boolean,
): Promise<Resolved> {
  if (cmd.op.target === 'guest') return resolveGuest(cmd.word!, ctx);
  return { target: await resolveOther(cmd, ctx, live) };
}

async function resolveOther(cmd: ParsedCommand, ctx: ResolveContext, live: boolean): Promise<ResolvedTarget> {
  const { op, word } = cmd;
  switch (op.target) {
    case 'guest':
      throw new Error('guest targets resolve in resolveTarget');
    case 'new-guest':
      return resolveNewGuest(cmd, ctx);
    case 'host':
      // An optional host (`/vps capacity [host]`): without one, the operation covers every host.
      return word === undefined ? { kind: 'host' } : { kind: 'host', host: checkHost(word, ctx.hostNames) };
    case 'alert': {
      if (word === undefined) return { kind: 'alert' };
      const a = await ctx.alert(word);
      if (!a)
        throw new OpError('BAD_INPUT', `No alert ${word} is kept.`, {
          hint: '/vps alerts lists the open ones.',
        });
      return { kind: 'alert', word, host: a.host, ...(a.guest ? { guestName: a.guest } : {}) };
    }
    case 'job':
    case 'request':
    case 'verb':
      return word === undefined ? { kind: op.target } : { kind: op.target, word };
    case 'none': {
      if (!live) return { kind: 'none' };
      const h = cmd.args.host as string | undefined;
      return {
        kind: 'none',
        host: h !== undefined ? checkHost(h, ctx.hostNames) : onlyHost(op.name, ctx.hostNames),
      };
    }
  }
}
