package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The shape of one input image, channels × height × width (NCHW; the batch size is chosen at run time). */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Input {
  /** Colour channels, for example 3 for RGB or 1 for grey. */
  int channels();

  /** Height in pixels. */
  int height();

  /** Width in pixels. */
  int width();
}
