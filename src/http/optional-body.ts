import type { FastifyRequest } from 'fastify';

/**
 * Hooks for a POST whose body fields are all optional: a bodiless request means `{}`, also when it names a JSON
 * content type (an empty body is no JSON to parse). Arize's clients always send an object; curl and scripts often
 * send nothing.
 */
export const optionalBody = {
  preParsing: async (request: FastifyRequest) => {
    const { headers } = request;
    if (headers['transfer-encoding'] === undefined && (headers['content-length'] ?? '0') === '0') delete headers['content-type'];
  },
  preValidation: async (request: FastifyRequest) => {
    request.body ??= {};
  },
};
