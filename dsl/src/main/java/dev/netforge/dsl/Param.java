package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Overrides a layer's parameter-name prefix, which is the method name by default: with {@code @Param("features.0")}
 * the parameters are {@code features.0.weight} and {@code features.0.bias}, as in torchvision's state_dict.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Param {
  /** The prefix, without the trailing {@code .weight} or {@code .bias}. */
  String value();
}
