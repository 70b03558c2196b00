/**
 * The CPU layer kernels, forward and backward side by side in one class per layer kind (convolution, dense, local
 * response normalization, max pooling, dropout, ReLU, softmax cross-entropy), with the compile-time geometry records
 * the generated code passes them. Each call computes one tower slice or the whole batch, split over the worker pool.
 */
package dev.netforge.runtime.nn;
