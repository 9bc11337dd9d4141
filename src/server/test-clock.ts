import type { FastifyInstance } from 'fastify';
import type { Clock } from '../domain/clock.js';

/** The real time plus an offset that only grows: time keeps flowing, and a test can jump it forward. */
export class ShiftableClock implements Clock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Test-only (AX_TEST_CLOCK=1, which config accepts only with a loopback listen address): `POST /__test/clock
 * {"advance_ms": n}` moves the clock of a server the tests spawned as a process of its own, so grace periods and
 * expiries pass without sleeping. A peer that is not on this machine gets the ordinary 404.
 */
export function registerTestClock(app: FastifyInstance, clock: ShiftableClock): void {
  app.post<{ Body: { advance_ms: number } }>('/__test/clock', {
    schema: {
      hide: true,
      body: {
        type: 'object',
        required: ['advance_ms'],
        additionalProperties: false,
        properties: { advance_ms: { type: 'integer', minimum: 0, maximum: 366 * 24 * 3_600_000 } },
      },
    },
  }, async (request, reply) => {
    if (!LOOPBACK_PEERS.has(request.socket.remoteAddress ?? '')) return reply.callNotFound();
    clock.advance(request.body.advance_ms);
    return { now: new Date(clock.now()).toISOString() };
  });
}
