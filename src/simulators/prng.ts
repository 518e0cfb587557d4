/**
 * A small seeded pseudo-random generator (mulberry32) so that every simulator data set is a pure
 * function of `SIM_SEED` and `SIM_SCALE`: two processes started with the same values serve
 * byte-identical data, which is what lets tests compute expected results independently.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Returns an integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Returns true with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Returns one element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Prng.pick: expected a non-empty array, got []');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Returns a version-4-shaped UUID built from this generator (deterministic, not random). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** Returns a lowercase hex string of `length` characters. */
  hex(length: number): string {
    return Array.from({ length }, () => Math.floor(this.next() * 16).toString(16)).join('');
  }

  /** Returns a date `base + [0, spanMs)`, truncated to whole seconds (as the vendors' examples show). */
  date(base: Date, spanMs: number): Date {
    return new Date(Math.floor((base.getTime() + this.next() * spanMs) / 1000) * 1000);
  }
}
