package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A fully connected layer. A spatial input is flattened in C, H, W order first. Parameters: {@code <name>.weight}
 * of shape {@code [units, inputs]} and {@code <name>.bias} of shape {@code [units]}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Dense {
  /** Output neurons; divisible by the network's tower count. */
  int units();

  /** The value every bias starts at (the paper uses 1 in the hidden dense layers). */
  double bias() default 0.0;
}
