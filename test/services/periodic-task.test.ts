import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPeriodicTask } from '../../src/services/periodic-task.js';

describe('startPeriodicTask', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const logger = () => ({ warn: vi.fn(), error: vi.fn() });

  it('runs the task once per interval, logs a failed run at the level asked and runs the next, and stops when told', async () => {
    const log = logger();
    let runs = 0;
    const stop = startPeriodicTask({ log } as never, 1000, async () => {
      runs++;
      if (runs === 2) throw new Error('disk full');
    }, 'sweeping failed', 'error');
    await vi.advanceTimersByTimeAsync(999);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(runs).toBe(3);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledWith({ err: expect.objectContaining({ message: 'disk full' }) }, 'sweeping failed');
    expect(log.warn).not.toHaveBeenCalled();
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });

  it('skips a tick while the previous run is still going, and runs again once it has ended', async () => {
    let started = 0;
    let finish = () => {};
    const stop = startPeriodicTask({ log: logger() } as never, 100, () => {
      started++;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    }, 'slow task failed');
    await vi.advanceTimersByTimeAsync(350);
    expect(started).toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(2);
    stop();
  });

  it('logs at warn unless told otherwise, and its timer does not hold the process open', async () => {
    const log = logger();
    const spy = vi.spyOn(globalThis, 'setInterval');
    const stop = startPeriodicTask({ log } as never, 10, () => Promise.reject(new Error('no')), 'pruning failed');
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(log.warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'pruning failed');
    stop();
    spy.mockRestore();
  });
});
