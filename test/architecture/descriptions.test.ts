/**
 * Every part of the graph a client can see says what it is: each type, field, argument, input
 * field and enum value of the served schema has a description (introspection and the explorer show
 * them; README "Vocabulary" names the conventions they follow).
 */
import { describe, expect, it } from 'vitest';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { createSchema } from '../../src/graphql/schema.js';

const schema = createSchema();

/** The coordinates (`Type.field(arg:)`) of every described thing that has no description. */
function undescribed(): string[] {
  const missing: string[] = [];
  const check = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(coordinate);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

describe('the schema', () => {
  it('describes every type, field, argument, input field and enum value', () => {
    expect(undescribed()).toEqual([]);
  });

  it('gives every deprecated field, input field and enum value the name to use instead', () => {
    const reasons: [string, string | null | undefined][] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type)) continue;
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (field.deprecationReason != null)
            reasons.push([`${type.name}.${field.name}`, field.deprecationReason]);
        }
      } else if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (value.deprecationReason != null)
            reasons.push([`${type.name}.${value.name}`, value.deprecationReason]);
        }
      }
    }
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.filter(([, reason]) => !/\buse\b/i.test(reason ?? ''))).toEqual([]);
  });
});
