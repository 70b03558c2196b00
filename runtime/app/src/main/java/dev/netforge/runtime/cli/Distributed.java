package dev.netforge.runtime.cli;

import dev.netforge.runtime.cuda.LocalRanks;
import dev.netforge.runtime.distributed.Communicator;
import dev.netforge.runtime.distributed.SingleProcess;
import dev.netforge.runtime.mpi.Mpi;
import dev.netforge.runtime.train.TrainingDiverged;
import java.util.Map;

/**
 * Whether this process runs alone or as one rank of an MPI run: {@code --distributed auto} (the default) joins MPI
 * when a launcher started the process (mpirun, srun, the MPI Operator's), {@code mpi} always, {@code none} never.
 * Without MPI nothing native is loaded.
 */
final class Distributed {
  static final String OPTION_HELP = "auto: one rank of an MPI run when started by mpirun, srun or another MPI launcher, else alone; "
      + "mpi; none. Default: ${DEFAULT-VALUE}.";

  private Distributed() {}

  private static Communicator open(String mode, Map<String, String> environment) {
    return switch (mode) {
      case "none" -> new SingleProcess();
      case "mpi" -> Mpi.open();
      case "auto" -> Mpi.launched(environment) ? Mpi.open() : new SingleProcess();
      default -> throw new IllegalArgumentException("--distributed " + mode + ": expected auto, mpi or none");
    };
  }

  /**
   * Worker threads per rank when {@code --threads} does not say: the host's cores shared among the ranks the launcher
   * put on it, so that ranks on one machine do not each take every core; {@code null} (every core) alone.
   */
  private static Integer threadsPerRank(LocalRanks local) {
    return local.equals(LocalRanks.ALONE) ? null : Math.max(1, Runtime.getRuntime().availableProcessors() / local.count());
  }

  /**
   * This process's place among the ranks on its host (Open MPI says), so that ranks on one host take different GPUs;
   * alone where no launcher says.
   */
  private static LocalRanks localRanks(Map<String, String> environment) {
    String rank = environment.get("OMPI_COMM_WORLD_LOCAL_RANK");
    String size = environment.get("OMPI_COMM_WORLD_LOCAL_SIZE");
    return rank == null || size == null ? LocalRanks.ALONE : new LocalRanks(Integer.parseInt(rank), Integer.parseInt(size));
  }

  /** For the first line of output: {@code "2 ranks (Open MPI, rank 0 of 2), each "}, or nothing alone. */
  static String describe(Communicator processes) {
    return processes.size() == 1 ? "" : processes.size() + " ranks (" + processes + "), each ";
  }

  /** A command's work as one process of a run. */
  interface Work {
    void run(Communicator processes) throws Exception;
  }

  /**
   * Runs {@code work} alone or as a rank ({@code mode}, as {@code --distributed} says), with {@code common}'s threads
   * defaulting to this rank's share of the host's cores and its GPUs its own ({@link LocalRanks}), and leaves MPI at
   * the end. A failure alone is the caller's to report; a rank that fails alone prints one line naming itself and the
   * cause and ends every rank (MPI_Abort), so that none waits forever in a collective. A diverged loss, which every rank sees at the same step, rank 0 reports.
   *
   * @return the exit code: 0, or 1 on a rank other than 0 when training diverged
   */
  static int run(String mode, Cli.Common common, Work work) throws Exception {
    Map<String, String> environment = System.getenv();
    try (Communicator processes = open(mode, environment)) {
      try {
        common.localRanks = localRanks(environment);
        if (common.threads == null) {
          common.threads = threadsPerRank(common.localRanks);
        }
        work.run(processes);
      } catch (TrainingDiverged e) {
        if (processes.rank() != 0) {
          return 1;
        }
        throw e;
      } catch (Exception | Error e) {
        if (processes.size() > 1) {
          System.err.println("error: rank " + processes.rank() + " of " + processes.size() + " failed, stopping every rank: " + ErrorMessage.of(e));
          processes.abort(1);
        }
        throw e;
      }
    }
    return 0;
  }
}
