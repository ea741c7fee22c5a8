/** Types of scripts/docs-render.mjs for the TypeScript test that imports it. */
import type { OperationDef } from '../src/core/operation.js';

export declare const SECTIONS: readonly ('commands' | 'errors')[];

export interface Rendered {
  commands: string;
  errors: string;
}

export declare function renderCommands(
  catalogue: ReadonlyMap<string, OperationDef>,
  usage: (op: OperationDef) => string,
): string;

export declare function renderErrors(codes: Readonly<Record<string, string>>): string;

export declare function renderAll(input: {
  catalogue: ReadonlyMap<string, OperationDef>;
  usage: (op: OperationDef) => string;
  errorCodes: Readonly<Record<string, string>>;
}): Rendered;

export declare function readSection(text: string, name: keyof Rendered): string;

export declare function updateReadme(
  text: string,
  rendered: Rendered,
): { text: string; stale: (keyof Rendered)[] };
