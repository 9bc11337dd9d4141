import { fastifyCookie } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';

/**
 * A cookie the request carries, read from its Cookie header when asked for. @fastify/cookie is registered only
 * where an answer sets cookies (the console's sign-in and single sign-on routes): on every other route, where a
 * cookie is at most read (a console session on /v2, /graphql), its two hooks would run on every request of an API
 * key, which carries none.
 */
export function requestCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  return header === undefined ? undefined : fastifyCookie.parse(header)[name];
}
