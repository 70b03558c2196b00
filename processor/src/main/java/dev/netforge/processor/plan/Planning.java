package dev.netforge.processor.plan;

import dev.netforge.dsl.Rounding;
import dev.netforge.processor.model.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What checking and planning one op needs besides its own declaration and input: the network's tower count, what the
 * layers before it were, and where its errors go. The {@link Planner} walks the layers; each op kind checks and shapes
 * itself against this ({@code Convolution.plan}, {@code Lrn.plan}, ...).
 */
final class Planning {
  private final int towers;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  /**
   * Whether a parametric layer has run: from then on every activation's channels are split over the towers. Before
   * it the input, and what LRN or pooling make of it, is whole on every tower.
   */
  private boolean splitOverTowers;
  private boolean sawDense;

  Planning(int towers) {
    this.towers = towers;
  }

  int towers() {
    return towers;
  }

  boolean splitOverTowers() {
    return splitOverTowers;
  }

  /** How many towers an activation planned now is split over: the tower count after the first parametric layer, else 1. */
  int channelTowers() {
    return splitOverTowers ? towers : 1;
  }

  /** Whether a dense layer came before: the activations have no spatial extent any more. */
  boolean sawDense() {
    return sawDense;
  }

  /** Records that {@code layer} was planned: its outputs, and everything after, are split over the towers. */
  void planned(Parametric layer) {
    splitOverTowers = true;
    sawDense |= layer instanceof Dense;
  }

  void error(Location where, String message) {
    diagnostics.add(new Diagnostic(where, message));
  }

  boolean hasErrors() {
    return !diagnostics.isEmpty();
  }

  List<Diagnostic> diagnostics() {
    return List.copyOf(diagnostics);
  }

  /**
   * Elements one Java array can hold (what the runtime's buffers allow, {@code BufferPlan}): a tensor of one example
   * past it could not be allocated at any batch, and its size in the generated code would not even be an int.
   */
  static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** Whether {@code count} elements of {@code what} fit one Java array; reports it on {@code where} when not. */
  boolean fitsOneArray(Location where, String what, long count, String fix) {
    if (count > MAX_ARRAY_LENGTH) {
      error(where, String.format(java.util.Locale.ROOT, "%s: %,d floats, more than one Java array holds (%,d); %s", what, count,
          MAX_ARRAY_LENGTH, fix));
      return false;
    }
    return true;
  }

  /** Whether {@code value} is positive; reports it on {@code where} when not. */
  boolean positive(Location where, String what, int value) {
    if (value <= 0) {
      error(where, what + " = " + value + " must be positive");
      return false;
    }
    return true;
  }

  /**
   * @param what how the message names the operation when the layer's name alone would not say it ({@code "max pool "}:
   *     the pooling of a layer whose name is its convolution's)
   */
  Integer spatial(
      Location at, String what, String axis, int in, int kernel, int stride, int padding, Rounding rounding, boolean hasPadding, boolean square) {
    String axes = square ? "height and width" : axis;
    if (!OutputSize.fits(in, kernel, padding)) {
      error(
          at.at("kernel"),
          "the " + what + kernel + "×" + kernel + " window is larger than the input " + axes + " " + in + (padding > 0 ? " + 2*" + padding + " padding" : "")
              + "; use a kernel of at most " + (in + 2 * padding));
      return null;
    }
    if (rounding == Rounding.EXACT) {
      Optional<String> problem = OutputSize.inexact(axes, in, kernel, stride, padding, hasPadding);
      if (problem.isPresent()) {
        error(at, what + problem.get());
        return null;
      }
    }
    int out = OutputSize.of(in, kernel, stride, padding);
    if (out <= 0) {
      error(at, what + "output " + axes + " reaches " + out);
      return null;
    }
    return out;
  }

  /** {@code value} rounded up to a multiple of {@code multiple}: what a message suggests instead. */
  static int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }

  /** A group count below {@code groups} that divides {@code channels}, as a message's suggestion, or empty. */
  static String suggestDivisor(int channels, int groups) {
    for (int g = groups - 1; g >= 1; g--) {
      if (channels % g == 0) {
        return "; use groups = " + g + " or an input with a multiple of " + groups + " channels";
      }
    }
    return "";
  }
}
