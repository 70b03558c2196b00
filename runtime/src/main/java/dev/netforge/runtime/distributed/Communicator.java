package dev.netforge.runtime.distributed;

/**
 * The processes of one data-parallel run and the few collectives training needs: sums in place over every process,
 * a broadcast, a barrier. {@link SingleProcess} is the run of one process; {@code netforge-mpi} binds Open MPI (a
 * separate artifact, so that the runtime loads no native code and needs no MPI). Every process must make the same
 * calls in the same order, as with MPI. Methods may be called from several threads, one at a time.
 */
public interface Communicator extends AutoCloseable {
  /** This process's place, {@code 0 .. size-1}; rank 0 writes checkpoints and output. */
  int rank();

  /** Processes in the run. */
  int size();

  /** Sums {@code data[offset .. offset+count)} over every process, in place: each ends with the same sums. */
  void sum(float[] data, int offset, int count);

  /** As {@link #sum(float[], int, int)}, for doubles. */
  void sum(double[] data, int offset, int count);

  /** As {@link #sum(float[], int, int)}, for longs. */
  void sum(long[] data, int offset, int count);

  /**
   * Starts summing {@code data[offset .. offset+count)} in place and returns at once, so that the sum can travel while
   * the caller computes; the range holds the sums only after {@link Pending#await()}, and must not be touched before.
   */
  Pending startSum(float[] data, int offset, int count);

  /** Copies rank {@code root}'s {@code data[offset .. offset+count)} to every process. */
  void broadcast(long[] data, int offset, int count, int root);

  /** Returns when every process has called it. */
  void barrier();

  /**
   * Ends every process of the run now, with {@code exitCode}; what a process does when it fails alone, so that the
   * others do not wait forever in a collective. Does not return.
   */
  void abort(int exitCode);

  /** Leaves the run (MPI_Finalize): every process calls it once, at the end. */
  @Override
  void close();

  /** A sum under way. */
  interface Pending {
    /** Waits until the sum is complete and in the caller's array. */
    void await();
  }
}
