/**
 * The gateway's own analysis of an operation (its token count, cost estimate and selected
 * fields), remembered with the document Apollo validated, so a repeated operation costs what a
 * normal query costs: Apollo hands back the same DocumentNode for the same query text from its
 * document cache, and the analysis is keyed by that node (and by the variables, which the cost and
 * the selection depend on). Bounded: a document keeps at most MAX_VARIABLE_SETS analyses, and
 * token counts are kept for at most MAX_SOURCES texts.
 */
import { stableStringify } from '../pagination/connection.js';

/** Analyses kept per document, one per distinct set of variables (least recently added go first). */
export const MAX_VARIABLE_SETS = 64;
/** Document texts whose token count is kept. */
export const MAX_SOURCES = 1_000;

/** A memo of `compute(key, variables)` per key object and variables. */
export class PerDocument<K extends object, V> {
  private readonly byKey = new WeakMap<K, Map<string, V>>();

  /** Returns the remembered value for `key` and `variables`, computing it once. */
  get(key: K, variables: unknown, compute: () => V): V {
    let byVariables = this.byKey.get(key);
    if (!byVariables) this.byKey.set(key, (byVariables = new Map()));
    const id = stableStringify(variables ?? {});
    if (byVariables.has(id)) return byVariables.get(id) as V;
    const value = compute();
    if (byVariables.size >= MAX_VARIABLE_SETS) byVariables.delete(byVariables.keys().next().value as string);
    byVariables.set(id, value);
    return value;
  }
}

/** A bounded memo of a function of a document's text. */
export class PerSource<V> {
  private readonly bySource = new Map<string, V>();

  /** Returns the remembered value for `source`, computing it once. */
  get(source: string, compute: () => V): V {
    if (this.bySource.has(source)) return this.bySource.get(source) as V;
    const value = compute();
    if (this.bySource.size >= MAX_SOURCES) this.bySource.delete(this.bySource.keys().next().value as string);
    this.bySource.set(source, value);
    return value;
  }
}
