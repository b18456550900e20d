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
