package dev.netforge.processor.emit;

import com.palantir.javapoet.TypeName;

/**
 * One buffer a generated network plans: its field, element type ({@code float[]} or {@code int[]}), elements per
 * example, whether only the backward pass needs it (a gradient, planned at the first backward pass so that inference
 * never allocates it), and the javadoc its field carries. The field declarations, {@code planForward},
 * {@code planBackward} and the network's {@code BufferPlan} are all written from the same list of these.
 */
record PlannedBuffer(String field, TypeName type, long perExample, boolean gradient, String doc) {}
