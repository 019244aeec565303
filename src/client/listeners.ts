import type { Unsubscribe } from './types.js';

/** A set of callbacks; one that throws is reported and does not stop the others or the cache. */
export class Listeners<A extends unknown[]> {
  private readonly fns = new Set<(...args: A) => void>();

  constructor(private readonly onThrow: (error: unknown) => void) {}

  get size(): number {
    return this.fns.size;
  }

  add(fn: (...args: A) => void): Unsubscribe {
    // Wrapped so the same function can be added twice and removed once per registration.
    const entry = (...args: A): void => fn(...args);
    this.fns.add(entry);
    return () => {
      this.fns.delete(entry);
    };
  }

  emit(...args: A): void {
    for (const fn of this.fns) {
      try {
        fn(...args);
      } catch (err) {
        this.onThrow(err);
      }
    }
  }

  clear(): void {
    this.fns.clear();
  }
}
