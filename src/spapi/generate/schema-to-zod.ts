import type { SwaggerSchema } from './swagger.ts';

/**
 * How a definition reference is spelled in generated source. The strict flavour exists
 * because request bodies reject unknown keys (a misspelt optional field must not be
 * dropped silently), while responses tolerate fields newer than the model.
 */
export interface ZodRenderContext {
  strict: boolean;
  refName: (definition: string, strict: boolean) => string;
}

export function definitionName(ref: string): string {
  const match = /^#\/definitions\/(.+)$/.exec(ref);
  if (!match?.[1]) throw new Error(`Unsupported $ref ${ref}: only #/definitions/... is handled`);
  return match[1];
}

const lit = (value: unknown): string => JSON.stringify(value);

function stringSchema(schema: SwaggerSchema): string {
  if (schema.enum) return `z.enum(${lit(schema.enum.map(String))})`;
  let out = schema.format === 'date-time' ? 'z.iso.datetime({ offset: true })' : 'z.string()';
  if (schema.minLength !== undefined) out += `.min(${schema.minLength})`;
  if (schema.maxLength !== undefined) out += `.max(${schema.maxLength})`;
  if (schema.pattern !== undefined) out += `.regex(new RegExp(${lit(schema.pattern)}))`;
  return out;
}

function numberSchema(schema: SwaggerSchema): string {
  // int32/int64 on a `number` still means whole numbers on the wire.
  const integral = schema.type === 'integer' || schema.format === 'int32' || schema.format === 'int64';
  let out = integral ? 'z.number().int()' : 'z.number()';
  if (schema.minimum !== undefined)
    out += schema.exclusiveMinimum ? `.gt(${schema.minimum})` : `.min(${schema.minimum})`;
  if (schema.maximum !== undefined)
    out += schema.exclusiveMaximum ? `.lt(${schema.maximum})` : `.max(${schema.maximum})`;
  if (schema.multipleOf !== undefined) out += `.multipleOf(${schema.multipleOf})`;
  return out;
}

function objectSchema(schema: SwaggerSchema, ctx: ZodRenderContext, indent: string): string {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) {
    const extra = schema.additionalProperties;
    const value = typeof extra === 'object' ? toZod(extra, ctx, indent) : 'z.unknown()';
    return `z.record(z.string(), ${value})`;
  }
  const required = new Set(schema.required ?? []);
  for (const name of required) {
    if (!schema.properties?.[name]) throw new Error(`required property ${name} is not declared`);
  }
  const inner = indent + '  ';
  const lines = properties.map(([name, prop]) => {
    const rendered = toZod(prop, ctx, inner);
    return `${inner}${lit(name)}: ${rendered}${required.has(name) ? '' : '.optional()'},`;
  });
  const ctor = ctx.strict ? 'z.strictObject' : 'z.object';
  return `${ctor}({\n${lines.join('\n')}\n${indent}})`;
}

/** Renders one Swagger schema as zod source text. */
export function toZod(schema: SwaggerSchema, ctx: ZodRenderContext, indent = ''): string {
  if (schema.$ref) return ctx.refName(definitionName(schema.$ref), ctx.strict);
  switch (schema.type) {
    case 'string':
      return stringSchema(schema);
    case 'integer':
    case 'number':
      return numberSchema(schema);
    case 'boolean':
      return 'z.boolean()';
    case 'array': {
      if (!schema.items) throw new Error('array schema without items');
      let out = `z.array(${toZod(schema.items, ctx, indent)})`;
      if (schema.minItems !== undefined) out += `.min(${schema.minItems})`;
      if (schema.maxItems !== undefined) out += `.max(${schema.maxItems})`;
      return out;
    }
    case 'object':
    case undefined:
      if (schema.type === undefined && !schema.properties) return 'z.unknown()';
      return objectSchema(schema, ctx, indent);
    default:
      throw new Error(`Unsupported schema type ${schema.type}`);
  }
}

/** Definition names a schema refers to directly. */
function directRefs(schema: SwaggerSchema): Set<string> {
  const found = new Set<string>();
  const walk = (node: SwaggerSchema): void => {
    if (node.$ref) found.add(definitionName(node.$ref));
    if (node.items) walk(node.items);
    for (const prop of Object.values(node.properties ?? {})) walk(prop);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties);
  };
  walk(schema);
  return found;
}

/**
 * Definitions ordered so that every schema comes after the ones it references; the
 * Services models have no cycles, and a future cycle is reported rather than mis-rendered.
 */
export function dependencyOrder(definitions: Record<string, SwaggerSchema>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`Cyclic definitions: ${[...trail, name].join(' -> ')}`);
    const schema = definitions[name];
    if (!schema) throw new Error(`Unknown definition ${name} (referenced from ${trail.join(' -> ')})`);
    state.set(name, 'visiting');
    for (const dep of [...directRefs(schema)].sort()) visit(dep, [...trail, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(definitions)) visit(name, []);
  return order;
}

/** Every definition reachable from the given roots (roots included). */
export function reachable(definitions: Record<string, SwaggerSchema>, roots: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (out.has(name)) continue;
    out.add(name);
    const schema = definitions[name];
    if (!schema) throw new Error(`Unknown definition ${name}`);
    stack.push(...directRefs(schema));
  }
  return out;
}

/** First sentence of a model description, safe inside a block comment. */
export function docLine(description: string | undefined): string | undefined {
  if (!description) return undefined;
  const first = description.split(/\n/)[0]?.trim() ?? '';
  const sentence = /^(.*?[.!?])(\s|$)/.exec(first)?.[1] ?? first;
  const clean = sentence.replace(/\*\//g, '* /').trim();
  return clean.length > 0 ? clean : undefined;
}
