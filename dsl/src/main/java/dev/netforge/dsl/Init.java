package dev.netforge.dsl;

/** Weight initialization schemes. */
public enum Init {
  /** The 2012 paper's: every weight drawn from N(0, 0.01²). */
  PAPER,
  /** He et al. 2015: weights drawn from N(0, 2 / fan_in), for deeper networks trained from scratch with ReLU. */
  HE
}
