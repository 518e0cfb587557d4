/**
 * Selection-set pushdown support: which fields of each GraphQL object type an operation selects,
 * anywhere in it (fragments and inline fragments on interfaces and unions included). Vendor
 * clients turn this into the narrowest upstream request (Fireworks `readMask`, Run:ai
 * `verbosity`), computed once per request so every call for a type uses the same field set and
 * identical calls still coincide.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { PerDocument } from './analysis-cache.js';
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  TypeInfo,
  getDirectiveValues,
  getNamedType,
  isObjectType,
  visit,
  visitWithTypeInfo,
  Kind,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Object type name → names of the fields selected on it. */
export type SelectedFields = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Given a schema, a parsed operation and its variables, returns the fields selected per object
 * type; fields, fragments and spreads excluded by `@skip`/`@include` are left out with their
 * subtrees, so a skipped field never widens an upstream request.
 */
export function collectSelectedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
): SelectedFields {
  const selected = new Map<string, Set<string>>();
  const excluded = (node: ASTNode): boolean => {
    try {
      const skip = getDirectiveValues(GraphQLSkipDirective, node as never, variables);
      const include = getDirectiveValues(GraphQLIncludeDirective, node as never, variables);
      return skip?.if === true || include?.if === false;
    } catch {
      return false; // an invalid directive argument is reported by validation, not here
    }
  };
  // Walk the operations, then only the fragments a non-excluded spread reaches (each once).
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const queue: ASTNode[] = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const reached = new Set<string>();
  for (let node = queue.shift(); node; node = queue.shift()) {
    const typeInfo = new TypeInfo(schema);
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        InlineFragment(inline) {
          if (excluded(inline)) return false;
        },
        FragmentSpread(spread) {
          if (excluded(spread)) return false;
          const name = spread.name.value;
          const fragment = fragments.get(name);
          if (fragment && !reached.has(name)) {
            reached.add(name);
            queue.push(fragment);
          }
        },
        Field(field) {
          if (excluded(field)) return false;
          const parent = typeInfo.getParentType();
          if (!parent) return;
          const targets = isObjectType(parent) ? [parent.name] : possibleTypeNames(schema, parent.name);
          for (const name of targets) {
            let fields = selected.get(name);
            if (!fields) selected.set(name, (fields = new Set()));
            fields.add(field.name.value);
          }
        },
      }),
    );
  }
  return selected;
}

/**
 * Whether the field being resolved (`info`) selects `field` directly on its `typename` result,
 * through inline fragments and spreads whose type condition is that type or absent, and not
 * excluded by `@skip`/`@include`: what this path will ask of the object, unlike the per-type
 * union `collectSelectedFields` records.
 */
export function selectsField(info: GraphQLResolveInfo, typename: string, field: string): boolean {
  const excluded = (node: ASTNode): boolean => {
    try {
      const skip = getDirectiveValues(GraphQLSkipDirective, node as never, info.variableValues);
      const include = getDirectiveValues(GraphQLIncludeDirective, node as never, info.variableValues);
      return skip?.if === true || include?.if === false;
    } catch {
      return false;
    }
  };
  const applies = (condition: { name: { value: string } } | undefined) =>
    !condition || condition.name.value === typename;
  const seen = new Set<string>();
  const inSet = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (excluded(selection)) return false;
      if (selection.kind === Kind.FIELD) return selection.name.value === field;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        return applies(selection.typeCondition) && inSet(selection.selectionSet);
      }
      const name = selection.name.value;
      const fragment = info.fragments[name];
      if (!fragment || seen.has(name)) return false;
      seen.add(name);
      return applies(fragment.typeCondition) && inSet(fragment.selectionSet);
    });
  return info.fieldNodes.some((node) => inSet(node.selectionSet));
}

function possibleTypeNames(schema: GraphQLSchema, abstractName: string): string[] {
  const type = getNamedType(schema.getType(abstractName));
  if (!type || isObjectType(type)) return [];
  if ('getTypes' in type || 'getFields' in type) {
    return schema
      .getPossibleTypes(type as Parameters<GraphQLSchema['getPossibleTypes']>[0])
      .map((t) => t.name);
  }
  return [];
}

/**
 * The Apollo plugin that records, once per operation, the fields it selects per type in the
 * request's context (`selection.current`), where the vendor loaders read them for pushdown.
 */
export function createSelectionPlugin(
  schema: GraphQLSchema,
): ApolloServerPlugin<{ selection: { current: SelectedFields } }> {
  const selections = new PerDocument<DocumentNode, SelectedFields>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue, request }) {
          const variables = request.variables ?? {};
          contextValue.selection.current = selections.get(document, variables, () =>
            collectSelectedFields(schema, document, variables),
          );
        },
      };
    },
  };
}
