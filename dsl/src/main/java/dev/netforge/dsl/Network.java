package dev.netforge.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a network: the annotated interface's methods are its layers, in declaration order. The interface must
 * also carry {@link Input}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Network {
  /** The simple name of the generated class, in the interface's package (for example {@code "AlexNet2012"}). */
  String name();

  /**
   * How many towers the network is split into (1 or 2). Every layer's output channels or units are split evenly
   * over the towers; a layer whose {@code groups} equals the tower count reads only its own tower's inputs, and a
   * layer with {@code groups = 1} gathers its input from every tower first.
   */
  int towers() default 1;

  /** How weights are initialized; biases take each layer's {@code bias} value. */
  Init init() default Init.PAPER;
}
