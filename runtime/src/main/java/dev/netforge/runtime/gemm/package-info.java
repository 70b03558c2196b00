/**
 * Single-precision GEMM in the GotoBLAS loop order with packed panels, a Vector API register-blocked micro-kernel
 * (a scalar one when {@code jdk.incubator.vector} is absent) and a store epilogue that fuses bias, ReLU and dropout.
 */
package dev.netforge.runtime.gemm;
