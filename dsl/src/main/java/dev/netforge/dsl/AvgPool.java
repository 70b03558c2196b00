package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Average pooling over square windows, as PyTorch's {@code avg_pool2d} with {@code count_include_pad = True}: every
 * window's sum is divided by {@code kernel²}, zero padding included. The output size is the convolution's,
 * {@code (in + 2·padding − kernel) / stride + 1}, and the same {@link Rounding} rule applies to it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface AvgPool {
  /** Window height and width. */
  int kernel();

  /** Step between windows. */
  int stride();

  /** Zero padding on each side; at most half the kernel, as PyTorch allows. */
  int padding() default 0;

  /** How a non-integral output size is treated. */
  Rounding rounding() default Rounding.EXACT;
}
