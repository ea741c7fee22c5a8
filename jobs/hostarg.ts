/** `host=` arguments of fleet-wide reads: check the name, or take every host. */
import { OpError } from '../src/model/errors.js';
import { didYouMean } from '../src/ops/suggest.js';

export function resolveHostArg(host: string | undefined, hostNames: string[]): string[] {
  if (host === undefined) return hostNames;
  if (hostNames.includes(host)) return [host];
  throw new OpError('HOST_NOT_FOUND', `No host named "${host}".${didYouMean(host, hostNames)}`, {
    hint: hostNames.length ? `Hosts: ${hostNames.join(', ')}.` : 'No hosts are configured.',
  });
}
