import type { Clock } from '../../src/domain/clock.js';

/** A clock that stands still until the test moves it. Starts at the real time so rows it dates look current. */
export class TestClock implements Clock {
  #now = Date.now();

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
