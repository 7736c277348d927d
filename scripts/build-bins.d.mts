// Types of build-bins.mjs, for the test that builds the command-line tools.
export declare const ENTRIES: Record<string, string>;
export declare function buildBins(outdir?: string): Promise<string[]>;
