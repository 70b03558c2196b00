package dev.netforge.runtime.cli;

import dev.netforge.runtime.distributed.Communicator;
import dev.netforge.runtime.distributed.SingleProcess;
import dev.netforge.runtime.mpi.Mpi;
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

  static Communicator open(String mode, Map<String, String> environment) {
    return switch (mode) {
      case "none" -> new SingleProcess();
      case "mpi" -> Mpi.open();
      case "auto" -> Mpi.launched(environment) ? Mpi.open() : new SingleProcess();
      default -> throw new IllegalArgumentException("--distributed " + mode + ": expected auto, mpi or none");
    };
  }

  /**
   * Worker threads per rank when {@code --threads} does not say: the host's cores shared among the ranks the launcher
   * put on it (Open MPI says how many), so that ranks on one machine do not each take every core.
   */
  static Integer threadsPerRank(Map<String, String> environment) {
    String local = environment.get("OMPI_COMM_WORLD_LOCAL_SIZE");
    if (local == null) {
      return null;
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, Integer.parseInt(local)));
  }

  /** For the first line of output: {@code "2 ranks (Open MPI, rank 0 of 2), each "}, or nothing alone. */
  static String describe(Communicator processes) {
    return processes.size() == 1 ? "" : processes.size() + " ranks (" + processes + "), each ";
  }

  /**
   * What a rank does when its command fails: alone, nothing (the caller reports it); one of several, it prints one
   * line naming itself and the cause, and ends every rank, so that none waits forever in a collective.
   */
  static void failed(Communicator processes, Throwable e) {
    if (processes.size() > 1) {
      System.err.println("error: rank " + processes.rank() + " of " + processes.size() + " failed, stopping every rank: " + ErrorMessage.of(e));
      processes.abort(1);
    }
  }
}
