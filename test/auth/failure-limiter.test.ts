import { describe, expect, it } from 'vitest';
import { FailureLimiter } from '../../src/auth/failure-limiter.js';
import { TestClock } from '../helpers/clock.js';

const policy = { freeFailures: 3, firstDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };

describe('FailureLimiter', () => {
  it('lets the free failures pass, then doubles the wait with each failure up to the cap', () => {
    const clock = new TestClock();
    const limiter = new FailureLimiter(policy, clock);
    limiter.fail('k');
    limiter.fail('k');
    expect(limiter.retryAfter('k')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      limiter.fail('k');
      waits.push(limiter.retryAfter('k'));
    }
    expect(waits).toEqual([1, 2, 4, 8, 8, 8]);
    expect(limiter.retryAfter('other')).toBe(0);
  });

  it('frees the key when its wait is over, and forgets it after a quiet spell', () => {
    const clock = new TestClock();
    const limiter = new FailureLimiter(policy, clock);
    for (let i = 0; i < 4; i++) limiter.fail('k');
    expect(limiter.retryAfter('k')).toBe(2);
    clock.advance(2000);
    expect(limiter.retryAfter('k')).toBe(0);
    limiter.fail('k');
    expect(limiter.retryAfter('k')).toBe(4);
    clock.advance(60_000);
    limiter.fail('k');
    expect(limiter.retryAfter('k')).toBe(0);
  });

  it('forgets a key whose credential was proven', () => {
    const limiter = new FailureLimiter(policy, new TestClock());
    for (let i = 0; i < 5; i++) limiter.fail('k');
    limiter.forget('k');
    expect(limiter.retryAfter('k')).toBe(0);
  });

  it('keeps at most maxKeys keys, dropping the one that failed longest ago', () => {
    const clock = new TestClock();
    const limiter = new FailureLimiter({ ...policy, freeFailures: 1 }, clock, 2);
    limiter.fail('a');
    limiter.fail('b');
    limiter.fail('a');
    limiter.fail('c');
    expect(limiter.retryAfter('b')).toBe(0);
    expect(limiter.retryAfter('a')).toBeGreaterThan(0);
    expect(limiter.retryAfter('c')).toBeGreaterThan(0);
  });
});
