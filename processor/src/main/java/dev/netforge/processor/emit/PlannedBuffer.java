package dev.netforge.processor.emit;

import com.palantir.javapoet.TypeName;

/**
 * One buffer a generated network's {@code plan} allocates: its field, element type ({@code float[]} or {@code int[]}),
 * elements per example, and the javadoc its field carries. The field declarations, {@code plan} and the network's
 * {@code BufferPlan} are all written from the same list of these.
 */
record PlannedBuffer(String field, TypeName type, long perExample, String doc) {}
