/**
 * Loads the access policy: the file named by access.policyFile (VPSOPS_POLICY), or an inline
 * access.policy. Without either, the policy is empty and denies everything: deny by default.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Config } from '../../config/schema.js';
import { OpError } from '../../model/errors.js';
import { AccessPolicy, hostGroupsOf, parsePolicy } from './policy.js';

export interface LoadedPolicy {
  policy: AccessPolicy;
  /** Where it came from, for logs and refusals: a path, "inline" or "none". */
  source: string;
}

export function loadAccessPolicy(config: Config, verbs: ReadonlySet<string>): LoadedPolicy {
  const groups = hostGroupsOf(config);
  const { policyFile, policy } = config.access;
  if (policyFile) {
    let text: string;
    try {
      text = readFileSync(policyFile, 'utf8');
    } catch (err) {
      throw new OpError('CONFIG', `Cannot read the access policy ${policyFile}: ${(err as Error).message}.`, {
        hint: 'Set VPSOPS_POLICY (access.policyFile) to a readable file; config/policy.example.yaml shows the format.',
      });
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (err) {
      throw new OpError(
        'CONFIG',
        `The access policy ${policyFile} is not valid YAML: ${(err as Error).message}`,
      );
    }
    return { policy: new AccessPolicy(parsePolicy(doc, policyFile, verbs), groups), source: policyFile };
  }
  if (policy !== undefined && policy !== null)
    return {
      policy: new AccessPolicy(parsePolicy(policy, 'access.policy', verbs), groups),
      source: 'inline',
    };
  return { policy: new AccessPolicy(parsePolicy({ grants: [] }, 'none', verbs), groups), source: 'none' };
}
