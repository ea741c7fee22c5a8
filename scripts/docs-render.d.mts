/** Types of scripts/docs-render.mjs for the TypeScript test that imports it. */
import type { OperationDef } from '../src/ops/operation.js';

export declare const SECTIONS: readonly ('commands' | 'roles' | 'errors')[];

export interface Rendered {
  commands: string;
  roles: string;
  errors: string;
}

export declare function renderCommands(
  catalogue: ReadonlyMap<string, OperationDef>,
  usage: (op: OperationDef) => string,
  role: (op: OperationDef) => string,
): string;

export declare function renderRoles(
  catalogue: ReadonlyMap<string, OperationDef>,
  roles: readonly string[],
  verbsOfRole: (role: never, ops: Iterable<OperationDef>) => string[],
): string;

export declare function renderErrors(codes: Readonly<Record<string, string>>): string;

export declare function renderAll(input: {
  catalogue: ReadonlyMap<string, OperationDef>;
  usage: (op: OperationDef) => string;
  errorCodes: Readonly<Record<string, string>>;
  roles: readonly string[];
  requiredRole: (op: OperationDef) => string;
  verbsOfRole: (role: never, ops: Iterable<OperationDef>) => string[];
}): Rendered;

export declare function readSection(text: string, name: keyof Rendered): string;

export declare function updateReadme(
  text: string,
  rendered: Rendered,
): { text: string; stale: (keyof Rendered)[] };
