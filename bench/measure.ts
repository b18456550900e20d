/**
 * Timing for bench/run.ts: run a function for a warm-up period (so V8 has compiled it with its
 * optimizing tier before we look at the clock), then for a fixed measuring period, and report calls
 * per second. Calls are made in batches so that reading the clock does not dominate tiny workloads.
 */
import { performance } from "node:perf_hooks";

export interface MeasureOptions {
  /** Milliseconds of untimed calls before measuring. */
  readonly warmupMs: number;
  /** Milliseconds of timed calls. The last batch may run past it a little. */
  readonly timeMs: number;
  /** At least this many timed calls, even if they take longer than `timeMs` (for slow calls like RSA). */
  readonly minCalls?: number;
}

export interface Measurement {
  /** Timed calls made. */
  readonly calls: number;
  /** Wall-clock seconds they took. */
  readonly seconds: number;
  /** calls / seconds. */
  readonly perSecond: number;
}

/** Whatever the measured function returns is kept here so V8 cannot decide the call is useless. */
let sink: unknown;

/** Aim for batches of about this many milliseconds: long enough that the clock reads are noise. */
const BATCH_TARGET_MS = 2;

/** Runs `fn` repeatedly for `warmupMs`, then for `timeMs`, and returns how often it ran per second. */
export function measure(fn: () => unknown, options: MeasureOptions): Measurement {
  const minCalls = options.minCalls ?? 1;
  // Warm-up, which also finds a batch size that takes roughly BATCH_TARGET_MS.
  let batch = 1;
  const warmupEnd = performance.now() + options.warmupMs;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) sink = fn();
    const elapsed = performance.now() - start;
    if (start + elapsed >= warmupEnd) break;
    if (elapsed < BATCH_TARGET_MS / 2) batch *= 2;
  }
  // Measuring.
  let calls = 0;
  const start = performance.now();
  const end = start + options.timeMs;
  let now = start;
  while (now < end || calls < minCalls) {
    for (let i = 0; i < batch; i++) sink = fn();
    calls += batch;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  return { calls, seconds, perSecond: calls / seconds };
}

/** Returns the last result, only so that `sink` is observably used. */
export function lastResult(): unknown {
  return sink;
}

/** Runs the async `fn` one call after another for `warmupMs`, then for `timeMs`; calls per second. */
export async function measureAsync(fn: () => Promise<unknown>, options: MeasureOptions): Promise<Measurement> {
  const warmupEnd = performance.now() + options.warmupMs;
  while (performance.now() < warmupEnd) sink = await fn();
  let calls = 0;
  const start = performance.now();
  const end = start + options.timeMs;
  let now = start;
  while (now < end || calls < (options.minCalls ?? 1)) {
    sink = await fn();
    calls++;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  return { calls, seconds, perSecond: calls / seconds };
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The p-th percentile (0–100) of some numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
