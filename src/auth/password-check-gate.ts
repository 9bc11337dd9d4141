import { ApiError } from '../domain/errors.js';

/**
 * Bounds how many password hashes (scrypt: ~50 ms of a thread-pool thread and 16 MB each) run at once in this
 * process, so that unauthenticated sign-ins cannot buy the server's CPU: past the bound the caller is answered
 * 503 with Retry-After instead of queueing.
 */
export class PasswordCheckGate {
  #running = 0;

  constructor(readonly limit: number) {}

  get running(): number {
    return this.#running;
  }

  /** Runs `work` in one of the slots, or throws PASSWORD_CHECKS_BUSY when all are taken. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Takes a slot (or throws); the returned function gives it back, once. */
  acquire(): () => void {
    if (this.#running >= this.limit) {
      throw new ApiError('PASSWORD_CHECKS_BUSY', 'too many password checks are running; retry in a second', { headers: { 'retry-after': '1' } });
    }
    this.#running++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.#running--;
      }
    };
  }
}
