/**
 * The netforge declaration language: annotate an interface with {@link dev.netforge.dsl.Network} and
 * {@link dev.netforge.dsl.Input}, and declare the layers as methods, in order. A method's annotations are operations
 * applied in the order written: at most one parametric layer ({@link dev.netforge.dsl.Conv} or
 * {@link dev.netforge.dsl.Dense}, whose parameters take the method's name or its {@link dev.netforge.dsl.Param}), and
 * any of {@link dev.netforge.dsl.Relu}, {@link dev.netforge.dsl.Lrn}, {@link dev.netforge.dsl.MaxPool},
 * {@link dev.netforge.dsl.AvgPool} and {@link dev.netforge.dsl.Dropout} before or after it; {@link dev.netforge.dsl.Softmax}
 * last marks class scores. Any sequence whose shapes fit is a network; the output is the last operation's, class
 * scores or a feature map.
 *
 * <p>The netforge annotation processor checks every tensor shape at compile time and generates a class named
 * {@link dev.netforge.dsl.Network#name()} beside the interface, with the fused forward and backward passes.
 */
package dev.netforge.dsl;
