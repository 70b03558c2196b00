package dev.netforge.runtime.mpi;

import dev.netforge.runtime.distributed.Communicator;
import java.util.Arrays;

/** Each rank's part of {@link MpiTest}: every collective once, with values that say which rank sent what. */
public final class CollectivesMain {
  private CollectivesMain() {}

  public static void main(String[] args) {
    try (Mpi mpi = Mpi.open()) {
      int r = mpi.rank();
      float[] floats = {-1, r + 1, 10 * (r + 1), -1};
      mpi.sum(floats, 1, 2);
      double[] doubles = {0.5 * (r + 1)};
      mpi.sum(doubles, 0, 1);
      long[] longs = {1L << 40 | r, 7};
      mpi.sum(longs, 0, 2);
      float[] first = {r + 1, r + 2};
      float[] second = {100 * (r + 1)};
      Communicator.Pending a = mpi.startSum(first, 0, 2);
      Communicator.Pending b = mpi.startSum(second, 0, 1);
      b.await();
      a.await();
      long[] root = {r == 1 ? 42 : 0};
      mpi.broadcast(root, 0, 1, 1);
      mpi.barrier();
      System.out.println("rank " + r + " of " + mpi.size() + ": floats " + Arrays.toString(floats) + " doubles " + Arrays.toString(doubles)
          + " longs " + Arrays.toString(longs) + " started " + Arrays.toString(first) + Arrays.toString(second) + " broadcast " + root[0]);
    }
  }
}
