package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the network's output as class scores trained with softmax cross-entropy (mean over the batch). Only on the
 * last layer. The forward pass returns the logits; the loss and its gradient {@code (softmax − onehot) / N} are fused.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Softmax {}
