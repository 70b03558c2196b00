package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Max pooling over square windows, overlapping when {@code stride < kernel} (the paper's 3×3 windows at stride 2).
 * The output size is {@code (in − kernel) / stride + 1}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface MaxPool {
  /** Window height and width. */
  int kernel();

  /** Step between windows. */
  int stride();

  /** How a non-integral output size is treated. */
  Rounding rounding() default Rounding.EXACT;
}
