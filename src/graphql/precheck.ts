/**
 * A cheap pass over a document before graphql-js validates it. Validation's cost grows with the
 * fields a document selects once its fragments are spread, and its overlapping-fields rule with
 * the square of the fields that share a response key: a 20 KB document of 350 fragments each
 * spreading `clusters { totalCount }` passes every other limit and costs 70 times a normal
 * query's CPU to validate. This pass parses and counts in linear time, and refuses such a
 * document first.
 *
 * Contract: `precheckDocument` returns undefined for a document within the bounds (or one that
 * does not parse: Apollo reports that itself), otherwise the refusal's message and extensions.
 * Verdicts are cached per document text, so a repeated document costs a hash lookup.
 */
import { createHash } from 'node:crypto';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';

/** The bounds of the pass (`MAX_FRAGMENTS`, `MAX_EXPANDED_SELECTIONS`). */
export interface PrecheckLimits {
  maxFragments: number;
  maxExpandedSelections: number;
  maxTokens: number;
}

/** A refusal: HTTP 400, BAD_USER_INPUT, with the limit in the extensions. */
export interface PrecheckRefusal {
  message: string;
  extensions: { limit: string; maximum: number; actual?: number };
}

const VERDICTS_KEPT = 1_000;

/** Returns the pre-validation check, with its cache of verdicts per document text. */
export function createPrecheck(limits: PrecheckLimits): (query: string) => PrecheckRefusal | undefined {
  const verdicts = new Map<string, PrecheckRefusal | null>();
  return (query) => {
    const key = createHash('sha256').update(query).digest('base64url');
    const known = verdicts.get(key);
    if (known !== undefined) return known ?? undefined;
    const verdict = precheckDocument(query, limits);
    if (verdicts.size >= VERDICTS_KEPT) verdicts.delete(verdicts.keys().next().value as string);
    verdicts.set(key, verdict ?? null);
    return verdict;
  };
}

/** Given a document's text, returns why it is refused before validation, or undefined. */
export function precheckDocument(query: string, limits: PrecheckLimits): PrecheckRefusal | undefined {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens: limits.maxTokens });
  } catch {
    return undefined;
  }
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition.selectionSet);
  }
  if (fragments.size > limits.maxFragments) {
    return refusal(
      `${fragments.size} fragment definitions`,
      fragments.size,
      'MAX_FRAGMENTS',
      limits.maxFragments,
    );
  }
  // Fields once fragments are spread, each fragment counted once per spread (memoised, so the
  // count is linear in the document even when spreads fan out).
  const sizes = new Map<string, number>();
  const expanded = (selectionSet: SelectionSetNode, depth: number): number => {
    if (depth > 64) return 0; // a cycle: validation refuses it
    let count = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        count += 1 + (selection.selectionSet ? expanded(selection.selectionSet, depth + 1) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        count += expanded(selection.selectionSet, depth + 1);
      } else {
        const name = selection.name.value;
        let size = sizes.get(name);
        if (size === undefined) {
          const fragment = fragments.get(name);
          sizes.set(name, 0);
          size = fragment ? expanded(fragment, depth + 1) : 0;
          sizes.set(name, size);
        }
        count += size;
      }
      if (count > limits.maxExpandedSelections) return count;
    }
    return count;
  };
  let total = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) total += expanded(definition.selectionSet, 0);
    if (total > limits.maxExpandedSelections) {
      // Counting stops past the limit, so the document's full count is not known.
      return refusal(
        `more than ${limits.maxExpandedSelections} selections once fragments are spread`,
        undefined,
        'MAX_EXPANDED_SELECTIONS',
        limits.maxExpandedSelections,
      );
    }
  }
  return undefined;
}

function refusal(
  measure: string,
  actual: number | undefined,
  limit: string,
  maximum: number,
): PrecheckRefusal {
  return {
    message:
      `Document has ${measure}, over the limit of ` +
      `${maximum} (${limit}), refused before validation. Use fewer fragments, or split the query.`,
    extensions: { limit, maximum, ...(actual !== undefined ? { actual } : {}) },
  };
}
