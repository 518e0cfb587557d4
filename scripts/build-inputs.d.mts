/** The stamp `npm run build` writes last; its time is the build's. */
export const STAMP: string;
/** Returns the paths of every input of the build under `root`. */
export function buildInputs(root: string): string[];
/** Returns the first input newer than the last build (or the stamp itself when there is none). */
export function staleInput(root: string): string | undefined;
