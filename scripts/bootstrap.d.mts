/** Types of scripts/bootstrap.mjs, for the tests' global setup. */
export declare const root: string;
export declare function checkNode(what: string): void;
export declare function setupCommand(purpose: 'demo' | 'test'): string;
export declare function missingFor(purpose: 'demo' | 'test'): string[];
export declare function provision(purpose: 'demo' | 'test'): string[];
export declare function bindingBuilt(): boolean;
export declare function installAndBuild(): void;
