package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A 2-D convolution with a square kernel. Its output size is {@code (in + 2·padding − kernel) / stride + 1},
 * which must divide exactly unless {@link #rounding()} is {@link Rounding#FLOOR}. Parameters:
 * {@code <name>.weight} of shape {@code [filters, channels / groups, kernel, kernel]} and {@code <name>.bias} of
 * shape {@code [filters]}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Conv {
  /** Output channels; divisible by {@link #groups()} and by the network's tower count. */
  int filters();

  /** Kernel height and width. */
  int kernel();

  /** Step between windows, in pixels. */
  int stride() default 1;

  /** Zero padding added on every side, in pixels. */
  int padding() default 0;

  /** Channel groups: each group of {@code filters / groups} filters sees {@code channels / groups} inputs. */
  int groups() default 1;

  /** How a non-integral output size is treated. */
  Rounding rounding() default Rounding.EXACT;

  /** The value every bias starts at (the paper uses 1 in conv2, conv4 and conv5 so ReLUs start active). */
  double bias() default 0.0;
}
