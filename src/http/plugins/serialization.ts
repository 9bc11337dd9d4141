import fastJsonStringify from 'fast-json-stringify';
import type { FastifyInstance } from 'fastify';

type Serializer = (data: unknown) => string;

/**
 * Response serializers built once per schema in the process, not once per app: fast-json-stringify's code
 * generation is a large part of an app's start, and a second app in the process (a restart in place, each test
 * file's server) asks for the same schemas again — many as new objects built by the route modules (a union with
 * the dry-run answer, a 204's null), so they are keyed by their JSON text. The app registers no shared schemas
 * (`addSchema`), so a serializer depends on its schema alone.
 */
const serializers = new Map<string, Serializer>();

/**
 * Each serializer is built when its route first answers with that status, not when the route is registered: building
 * them all was ~240 ms of a server process's ~2.2 s start, for answers most processes never send.
 */
export function registerSerialization(app: FastifyInstance): void {
  app.setSerializerCompiler(({ schema }) => {
    let serializer: Serializer | undefined;
    return (data: unknown) => (serializer ??= processSerializer(schema))(data);
  });
}

function processSerializer(schema: unknown): Serializer {
  const key = JSON.stringify(schema);
  let serializer = serializers.get(key);
  if (!serializer) {
    serializer = fastJsonStringify(schema as Parameters<typeof fastJsonStringify>[0]) as Serializer;
    serializers.set(key, serializer);
  }
  return serializer;
}
