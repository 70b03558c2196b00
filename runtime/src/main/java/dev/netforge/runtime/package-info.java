/**
 * What generated networks are and call: {@link dev.netforge.runtime.CompiledNetwork} (parameters, planned buffers,
 * forward, fused loss and backward), {@link dev.netforge.runtime.Parameter}, the shared worker pool
 * {@link dev.netforge.runtime.Parallel}, per-worker {@link dev.netforge.runtime.Scratch}, the sequential
 * {@link dev.netforge.runtime.Rng} (initialization) and the counter-based {@link dev.netforge.runtime.CounterRandom}
 * (every random choice of training). The runtime never depends on the processor: generated code is the only meeting
 * point.
 */
package dev.netforge.runtime;
