package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Local response normalization across channels, as in the paper: {@code b_i = a_i / (k + α Σ_j a_j²)^β}, the sum
 * over the {@link #size()} channels centred on {@code i}, clamped at the edges of the tower's own channels.
 * Unlike PyTorch's and Caffe's LRN, {@code α} is <em>not</em> divided by {@code size}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Lrn {
  /** Number of neighbouring channels summed (the paper's n), odd. */
  int size() default 5;

  /** Scale of the sum of squares (the paper's α). */
  double alpha() default 1e-4;

  /** Exponent (the paper's β). */
  double beta() default 0.75;

  /** Additive constant (the paper's k). */
  double k() default 2;
}
