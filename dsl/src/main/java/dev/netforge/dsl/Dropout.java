package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inverted dropout: in training each unit is zeroed with probability {@link #value()} and the kept ones are scaled
 * by {@code 1 / (1 − p)}; at test time it is the identity (the same expectation as the paper's ×0.5 at test).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Dropout {
  /** Probability of dropping a unit, in [0, 1). */
  double value() default 0.5;
}
