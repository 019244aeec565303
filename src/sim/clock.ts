/** A clock tests and demos move by hand; pass `clock.now` as the simulator's `now`. */
export interface ManualClock {
  now(): Date;
  advance(ms: number): Date;
  set(date: Date | string): Date;
}

export function createManualClock(start: Date | string): ManualClock {
  let ms = new Date(start).getTime();
  return {
    now: () => new Date(ms),
    advance: (delta) => new Date((ms += delta)),
    set: (date) => new Date((ms = new Date(date).getTime())),
  };
}
