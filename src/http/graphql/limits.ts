import type {
  DocumentNode, GraphQLError as GraphQLErrorType, FieldNode, FragmentDefinitionNode, GraphQLNamedType, GraphQLSchema, OperationDefinitionNode, SelectionSetNode, ValidationContext, ValueNode, ValidationRule,
} from 'graphql';
import { getNamedType, GraphQLError, isInterfaceType, isObjectType, Kind, validate, visit as visitAst } from './graphql-js.js';
import { DEFAULT_FIRST, MAX_FIRST } from './connections.js';

/** The bounds a document must keep, checked before anything runs (docs/graphql.md, "Limits"). */
export const LIMITS = { depth: 12, complexity: 10_000, aliases: 50, rootFields: 20 } as const;

function limitError(message: string, code: string, node: OperationDefinitionNode): GraphQLErrorType {
  return new GraphQLError(message, { nodes: [node], extensions: { code } });
}

/** Field visits one rule makes at most: fragments spread twice at each of many levels cannot make a walk exponential. */
const MAX_VISITS = 100_000;

/** The walk gave up at MAX_VISITS: the document is too complex whatever else is measured. */
class TooManyFields extends Error {}

type Visit = (field: FieldNode, depth: number, parent: GraphQLNamedType | undefined, walkChildren: (into: GraphQLNamedType | undefined) => number) => number;

/** Walks a selection set with fragments spread in place; `visit` gets each field with its depth and parent type. */
function walk(
  context: ValidationContext, selections: SelectionSetNode, parent: GraphQLNamedType | undefined, depth: number, visit: Visit,
  budget: { left: number }, seen: ReadonlySet<string> = new Set(),
): number {
  let total = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      if (--budget.left < 0) throw new TooManyFields();
      const childType = fieldType(parent, selection.name.value);
      total += visit(selection, depth, parent, (into) =>
        (selection.selectionSet ? walk(context, selection.selectionSet, into ?? childType, depth + 1, visit, budget, seen) : 0));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) ?? parent : parent;
      total += walk(context, selection.selectionSet, on, depth, visit, budget, seen);
    } else {
      const name = selection.name.value;
      const fragment: FragmentDefinitionNode | undefined = context.getFragment(name) ?? undefined;
      // A fragment cycle is refused by graphql-js's own rule; here it is merely not followed twice.
      if (!fragment || seen.has(name)) continue;
      const on = context.getSchema().getType(fragment.typeCondition.name.value) ?? parent;
      total += walk(context, fragment.selectionSet, on, depth, visit, budget, new Set([...seen, name]));
    }
  }
  return total;
}

function fieldType(parent: GraphQLNamedType | undefined, name: string): GraphQLNamedType | undefined {
  if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return undefined;
  const field = parent.getFields()[name];
  return field ? getNamedType(field.type) : undefined;
}

/** Runs a walk of the operation; undefined when it gave up (QUERY_TOO_COMPLEX). */
function measure(context: ValidationContext, operation: OperationDefinitionNode, visit: Visit, report = false): number | undefined {
  try {
    return walk(context, operation.selectionSet, rootType(context.getSchema(), operation), 1, visit, { left: MAX_VISITS });
  } catch (error) {
    if (!(error instanceof TooManyFields)) throw error;
    // The complexity rule reports it; the others stop.
    if (report) context.reportError(limitError(`the query selects more than ${MAX_VISITS} fields`, 'QUERY_TOO_COMPLEX', operation));
    return undefined;
  }
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLNamedType | undefined {
  return schema.getRootType(operation.operation) ?? undefined;
}

/** True for a document that asks only for `__schema` / `__type` (introspection, whose type references nest deep). */
function introspectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type' || s.name.value === '__typename'));
}

/** Depth: the longest chain of nested fields, fragments followed. */
const depthRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    if (introspectionOnly(operation)) return;
    let deepest = 0;
    const visit = (_field: FieldNode, depth: number, _parent: GraphQLNamedType | undefined, children: (into: GraphQLNamedType | undefined) => number): number => {
      deepest = Math.max(deepest, depth);
      // Stop descending once past the limit: the answer is already known.
      if (deepest <= LIMITS.depth) children(undefined);
      return 0;
    };
    if (measure(context, operation, visit) === undefined) return;
    if (deepest > LIMITS.depth) context.reportError(limitError(`query depth ${deepest} exceeds the limit of ${LIMITS.depth}`, 'QUERY_TOO_DEEP', operation));
  },
});

/** The `first` a connection field is asked for: its literal or its variable's value (or that variable's default), else the default. */
function firstOf(field: FieldNode, variables: Record<string, unknown> | undefined, defaults: ReadonlyMap<string, number>): number {
  const value: ValueNode | undefined = field.arguments?.find((a) => a.name.value === 'first')?.value;
  let first: unknown = DEFAULT_FIRST;
  if (value?.kind === Kind.INT) first = Number(value.value);
  else if (value?.kind === Kind.VARIABLE) first = variables?.[value.name.value] ?? defaults.get(value.name.value) ?? DEFAULT_FIRST;
  // Above MAX_FIRST the field is refused when it runs (VALIDATION_FAILED naming `first`) and reads nothing.
  return typeof first === 'number' && Number.isFinite(first) && first > 0 ? Math.min(first, MAX_FIRST) : DEFAULT_FIRST;
}

/** The operation's variables declared with an Int default (`query($n: Int = 100)`): a `first: $n` not sent counts as that. */
function intDefaults(operation: OperationDefinitionNode): Map<string, number> {
  const defaults = new Map<string, number>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue?.kind === Kind.INT) defaults.set(definition.variable.name.value, Number(definition.defaultValue.value));
  }
  return defaults;
}

/**
 * Complexity: every field costs 1, and a connection multiplies the cost of its selection by its `first` (50 when
 * absent): 100 spaces × 100 space users × 2 fields ≈ 20,100.
 */
function complexityRule(variables: Record<string, unknown> | undefined): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const defaults = intDefaults(operation);
      const visit = (field: FieldNode, _depth: number, parent: GraphQLNamedType | undefined, children: (into: GraphQLNamedType | undefined) => number): number => {
        const type = fieldType(parent, field.name.value);
        const inner = children(type);
        return 1 + (type?.name.endsWith('Connection') ? firstOf(field, variables, defaults) * inner : inner);
      };
      const cost = measure(context, operation, visit, true);
      if (cost !== undefined && cost > LIMITS.complexity) {
        context.reportError(limitError(`query complexity ${cost} exceeds the limit of ${LIMITS.complexity}; ask for fewer items per page or split the query`, 'QUERY_TOO_COMPLEX', operation));
      }
    },
  });
}

/** Aliases and root fields: a document cannot fan one field out a thousand times (1,000 aliased mutations). */
const fanOutRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    let aliases = 0;
    let rootFields = 0;
    const visit = (field: FieldNode, depth: number, _parent: GraphQLNamedType | undefined, children: (into: GraphQLNamedType | undefined) => number): number => {
      if (field.alias) aliases++;
      if (depth === 1) rootFields++;
      if (aliases <= LIMITS.aliases) children(undefined);
      return 0;
    };
    if (measure(context, operation, visit) === undefined) return;
    if (aliases > LIMITS.aliases) context.reportError(limitError(`${aliases} aliases exceed the limit of ${LIMITS.aliases}`, 'QUERY_TOO_COMPLEX', operation));
    else if (rootFields > LIMITS.rootFields) context.reportError(limitError(`${rootFields} root fields exceed the limit of ${LIMITS.rootFields}`, 'QUERY_TOO_COMPLEX', operation));
  },
});

/** The rules added to graphql-js's own validation; mercurius caches their verdict per document. */
export const limitRules: readonly ValidationRule[] = [depthRule, fanOutRule];

/** A document refused by a check that runs with its variables (the complexity), before execution. */
export class DocumentRefused extends Error {
  constructor(readonly errors: readonly GraphQLErrorType[]) {
    super('document refused');
  }
}

/** The variables a document passes as a connection's `first`: the only ones its complexity depends on. */
function firstVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visitAst(document, { Argument(argument) {
    if (argument.name.value === 'first' && argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
  } });
  return [...names];
}

/** Verdicts kept per document (mercurius keeps the parsed document, so the same object comes back for the same text). */
interface Verdicts { firstVariables: string[]; byFirsts: Map<string, readonly GraphQLErrorType[]> }
const verdicts = new WeakMap<DocumentNode, Verdicts>();
/** Verdicts per document, for as many different `first` values: beyond, the oldest are dropped. */
const MAX_VERDICTS = 32;

/**
 * The complexity of a (cached, valid) document with this request's variables: a `first` given as a variable counts
 * as given. The verdict is kept with the document for the values of those variables, so a document asked again
 * (the usual case: a script's few documents) is not walked again.
 */
export function refuseTooComplex(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  let kept = verdicts.get(document);
  if (kept === undefined) {
    kept = { firstVariables: firstVariables(document), byFirsts: new Map() };
    verdicts.set(document, kept);
  }
  const key = JSON.stringify(kept.firstVariables.map((name) => variables?.[name] ?? null));
  let errors = kept.byFirsts.get(key);
  if (errors === undefined) {
    errors = validate(schema, document, [complexityRule(variables)]);
    if (kept.byFirsts.size >= MAX_VERDICTS) kept.byFirsts.delete(kept.byFirsts.keys().next().value!);
    kept.byFirsts.set(key, errors);
  }
  if (errors.length > 0) throw new DocumentRefused(errors);
}

