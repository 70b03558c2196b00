package dev.netforge.runtime.distributed;

/** A run of one process: every collective is the identity, so training is exactly what it is without MPI. */
public final class SingleProcess implements Communicator {
  /** Nothing to wait for. */
  private static final Pending DONE = () -> {};

  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public void sum(float[] data, int offset, int count) {
    // The sum over one process is its own values.
  }

  @Override
  public void sum(double[] data, int offset, int count) {
    // Likewise.
  }

  @Override
  public void sum(long[] data, int offset, int count) {
    // Likewise.
  }

  @Override
  public Pending startSum(float[] data, int offset, int count) {
    return DONE;
  }

  @Override
  public void broadcast(long[] data, int offset, int count, int root) {
    // Rank 0 is the only one, and already holds its values.
  }

  @Override
  public void barrier() {
    // Nobody else to wait for.
  }

  @Override
  public void abort(int exitCode) {
    Runtime.getRuntime().halt(exitCode);
  }

  @Override
  public void close() {
    // Nothing was opened.
  }
}
