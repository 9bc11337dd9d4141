import { type Span, SpanKind, trace } from '@opentelemetry/api';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * A CLIENT span per query built through Kysely (`select`, `insert`, … with the table when there is one), started in
 * the caller's context, so it nests under the request that ran it. Kysely hands the plugin the query before it runs
 * and the result after, with the same id; a query that fails never reaches transformResult, and its span is dropped
 * unended (the request's span records the failure).
 */
export function queryTracing(system: 'sqlite' | 'postgresql'): KyselyPlugin {
  // From the provider registered when the store opens, not once per process (a replaced provider's tracer is dead).
  const tracer = trace.getTracer('ax-store');
  const open = new WeakMap<object, Span>();
  return {
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      open.set(queryId, tracer.startSpan(operation(node), { kind: SpanKind.CLIENT, attributes: { 'db.system': system } }));
      return node;
    },
    async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      open.get(queryId)?.end();
      open.delete(queryId);
      return result;
    },
  };
}

function operation(node: RootOperationNode): string {
  const verb = node.kind.replace(/QueryNode$/, '').toLowerCase();
  const table = tableOf(node);
  return table ? `${verb} ${table}` : verb;
}

type TableShape = { kind?: string; node?: unknown; from?: { froms?: readonly unknown[] }; into?: unknown; table?: unknown };

/**
 * The table a query names: select/delete in `from`, insert in `into`, update in `table` (a TableNode or an alias of
 * one); a select from a subquery (`select … from (select … from users) as p`) names the subquery's table.
 */
function tableOf(node: unknown): string | undefined {
  const shape = node as TableShape;
  const target = (shape.from?.froms?.[0] ?? shape.into ?? shape.table) as TableShape & { table?: { identifier?: { name?: string } } } | undefined;
  const name = target?.table?.identifier?.name;
  if (name !== undefined) return name;
  const aliased = target?.kind === 'AliasNode' ? target.node as TableShape | undefined : undefined;
  return aliased?.kind === 'SelectQueryNode' ? tableOf(aliased) : undefined;
}
