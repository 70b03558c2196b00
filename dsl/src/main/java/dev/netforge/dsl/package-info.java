/**
 * The netforge declaration language: annotate an interface with {@link dev.netforge.dsl.Network} and
 * {@link dev.netforge.dsl.Input}, and declare one layer per method, in order. Each method carries at most one
 * parametric layer ({@link dev.netforge.dsl.Conv} or {@link dev.netforge.dsl.Dense}) followed by the operations
 * applied to its output, in the order they are written ({@link dev.netforge.dsl.Relu}, {@link dev.netforge.dsl.Lrn},
 * {@link dev.netforge.dsl.MaxPool}, {@link dev.netforge.dsl.Dropout}, {@link dev.netforge.dsl.Softmax}).
 *
 * <p>The netforge annotation processor checks every tensor shape at compile time and generates a class named
 * {@link dev.netforge.dsl.Network#name()} beside the interface, with the fused forward and backward passes.
 */
package dev.netforge.dsl;
