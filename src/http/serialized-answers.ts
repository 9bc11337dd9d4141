import type { FastifyReply } from 'fastify';

/** What Fastify itself names a JSON answer. */
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The JSON text of a row's answer, serialized once per row object by the route's own response schema
 * (`reply.serialize`), then sent as it is. For rows that a cache shares between requests until the account changes
 * (services/resource-row-cache.ts: the organization, space and project GETs): a hot GET neither builds its answer
 * nor serializes it again. A row that changes is a new object, so its text is never stale; the text goes with the
 * row. Answers with status 200 only.
 */
export class SerializedAnswers<Row extends object> {
  readonly #texts = new WeakMap<Row, ReturnType<FastifyReply['serialize']>>();

  constructor(private readonly present: (row: Row) => unknown) {}

  send(reply: FastifyReply, row: Row): void {
    let text = this.#texts.get(row);
    if (text === undefined) {
      text = reply.serialize(this.present(row));
      this.#texts.set(row, text);
    }
    reply.type(JSON_TYPE).send(text);
  }
}
