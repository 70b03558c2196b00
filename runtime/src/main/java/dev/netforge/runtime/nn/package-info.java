/**
 * The CPU stages, one class per layer kind (convolution, dense, local response normalization, max and average
 * pooling, dropout, ReLU; {@link dev.netforge.runtime.nn.Stage}), forward and backward side by side, with the
 * compile-time geometry records the generated code builds them from; softmax cross-entropy and the tower exchange's
 * gradient sum beside them. A generated network builds each stage once per tower, binds it to its arrays when it
 * plans a batch size, and runs it split over the tower's worker threads.
 */
package dev.netforge.runtime.nn;
