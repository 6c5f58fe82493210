/**
 * Fixed one-minute windows per key, in memory. Enough for one API node; with several,
 * the lockout stored on the user row still bounds guessing.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { windowStart: number; count: number }>();

  constructor(private readonly perMinute: number) {}

  /** true when the call is allowed */
  take(key: string, now = Date.now()): boolean {
    const w = this.hits.get(key);
    if (!w || now - w.windowStart >= 60_000) {
      if (this.hits.size > 50_000) this.hits.clear();
      this.hits.set(key, { windowStart: now, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.perMinute;
  }
}
