package dev.netforge.runtime.cuda;

/**
 * This process's place among the ranks an MPI launcher started on its host ({@code OMPI_COMM_WORLD_LOCAL_RANK} of
 * {@code OMPI_COMM_WORLD_LOCAL_SIZE}), and so which of the host's GPUs it takes: local rank k takes the GPUs from
 * k × (GPUs per rank) on, so that the ranks of one host run on different devices. Where the ranks need more GPUs than
 * the driver shows a rank, the numbers wrap around and ranks share a GPU: each has its own context, which the driver
 * time-slices, so the run is correct but slower, and the ranks' memory adds up on that GPU. (A launcher that gives each
 * rank its own GPUs through {@code CUDA_VISIBLE_DEVICES} shows each rank only those: every rank then takes its first.)
 *
 * @param rank this process's index among its host's ranks, {@code 0 .. count-1}
 * @param count ranks on this host
 */
public record LocalRanks(int rank, int count) {
  /** A process alone on its host: it takes the GPUs from the first, as a run without MPI always has. */
  public static final LocalRanks ALONE = new LocalRanks(0, 1);

  public LocalRanks {
    if (count < 1 || rank < 0 || rank >= count) {
      throw new IllegalArgumentException("local rank " + rank + " of " + count + " ranks on this host");
    }
  }

  /** The GPUs each rank opens when {@code --gpus} does not say: its share of the host's {@code available}, at least one. */
  public int gpusPerRank(int available) {
    return Math.max(1, available / count);
  }

  /** The device numbers of this rank's {@code perRank} GPUs among {@code available}. */
  public int[] devices(int perRank, int available) {
    int[] devices = new int[perRank];
    for (int i = 0; i < perRank; i++) {
      devices[i] = (int) (((long) rank * perRank + i) % available);
    }
    return devices;
  }

  /** Whether the host's ranks, {@code perRank} GPUs each, need more than the {@code available} a rank sees. */
  public boolean sharesGpus(int perRank, int available) {
    return (long) count * perRank > available;
  }
}
