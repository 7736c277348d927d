// Types of compiled.js, for its test.
export declare function compiledBin(name: string, dir?: string): string | null;
