package dev.netforge.runtime.nn;

/**
 * The part of a parametric layer one call computes: one group's output channels (or units) that fall in a tower's
 * share, and the input channels that group reads from {@code inStart} on (a dense layer reads every input: 0).
 *
 * @param addsToInputGradient add into ∂input, because a slice before it in the same tower wrote those channels
 */
public record TowerSlice(int inStart, int outStart, int outCount, boolean addsToInputGradient) {}
