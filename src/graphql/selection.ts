/**
 * Selection-set pushdown support: which fields of each GraphQL object type an operation selects,
 * anywhere in it (fragments and inline fragments on interfaces and unions included). Vendor
 * clients turn this into the narrowest upstream request (Fireworks `readMask`, Run:ai
 * `verbosity`), computed once per request so every call for a type uses the same field set and
 * identical calls still coincide.
 */
import {
  TypeInfo,
  getNamedType,
  isObjectType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

/** Object type name → names of the fields selected on it. */
export type SelectedFields = ReadonlyMap<string, ReadonlySet<string>>;

/** Given a schema and a parsed operation, returns the fields selected per object type. */
export function collectSelectedFields(schema: GraphQLSchema, document: DocumentNode): SelectedFields {
  const selected = new Map<string, Set<string>>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent) return;
        const targets = isObjectType(parent) ? [parent.name] : possibleTypeNames(schema, parent.name);
        for (const name of targets) {
          let fields = selected.get(name);
          if (!fields) selected.set(name, (fields = new Set()));
          fields.add(node.name.value);
        }
      },
    }),
  );
  return selected;
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
