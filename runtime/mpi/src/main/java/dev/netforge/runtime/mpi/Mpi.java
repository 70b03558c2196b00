package dev.netforge.runtime.mpi;

import dev.netforge.runtime.cuda.KernelCache;
import dev.netforge.runtime.distributed.Communicator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The system's Open MPI on {@code MPI_COMM_WORLD}, through a JNI shim ({@code mpi_jni.c}) that {@code mpicc} builds on
 * first use and {@link KernelCache} keeps. At most one per process: MPI is initialized once and finalized by
 * {@link #close()}. Calls are serialized on this object (MPI is initialized for {@code MPI_THREAD_SERIALIZED}).
 */
public final class Mpi implements Communicator {
  private static final String SOURCE = "mpi_jni.c";
  /** MPI_THREAD_SERIALIZED in Open MPI's numbering (and MPICH's). */
  private static final int THREAD_SERIALIZED = 2;
  /** Environment variables by which a launcher (mpirun, srun, the MPI Operator's) says this process is one of a run. */
  private static final List<String> LAUNCHER_VARIABLES = List.of("OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE");
  private static Mpi open;

  private final int rank;
  private final int size;
  /** Sums started and not yet awaited: each new start lets them progress, since Open MPI moves them only inside calls. */
  private final java.util.Set<Long> pending = new java.util.LinkedHashSet<>();
  private boolean closed;

  private Mpi(int rank, int size) {
    this.rank = rank;
    this.size = size;
  }

  /** Whether {@code environment} is that of a process an MPI launcher started. */
  public static boolean launched(Map<String, String> environment) {
    return LAUNCHER_VARIABLES.stream().anyMatch(environment::containsKey);
  }

  /** Builds or finds the shim, loads it, initializes MPI. */
  public static synchronized Mpi open() {
    if (open != null) {
      throw new IllegalStateException("MPI is already initialized in this process");
    }
    System.load(library().toAbsolutePath().toString());
    int provided = initialize(THREAD_SERIALIZED);
    if (provided < THREAD_SERIALIZED) {
      throw new MpiException("this MPI provides thread level " + provided + ", netforge needs MPI_THREAD_SERIALIZED (" + THREAD_SERIALIZED + ")");
    }
    open = new Mpi(commRank(), commSize());
    return open;
  }

  /** The shim, from the cache or built now; keyed by its source, the JDK's headers and what mpicc compiles with. */
  private static Path library() {
    String source;
    try (InputStream in = Mpi.class.getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SOURCE + " is missing from netforge-mpi's jar");
      }
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SOURCE, e);
    }
    Path javaHome = Path.of(System.getProperty("java.home"));
    Path library = KernelCache.entry("mpi", ".so", source, javaHome.toString(), mpiccShowme());
    if (!Files.exists(library)) {
      try {
        KernelCache.build(library,
            List.of("mpicc", "-O2", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror", "-I" + javaHome.resolve("include"),
                "-I" + javaHome.resolve("include/linux"), "-x", "c", "-"),
            source, "netforge-mpi's JNI shim", "netforge-mpi needs Open MPI's mpicc: apt-get install openmpi-bin libopenmpi-dev");
      } catch (KernelCache.BuildFailed e) {
        throw new MpiException(e.getMessage(), e);
      }
    }
    return library;
  }

  /** What {@code mpicc} would run (its flags and libraries): another MPI installation gives another cache entry. */
  private static String mpiccShowme() {
    try {
      Process p = new ProcessBuilder("mpicc", "--showme").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(1, TimeUnit.MINUTES);
      return out;
    } catch (IOException e) {
      throw new MpiException("cannot run mpicc (netforge-mpi builds its JNI shim with it): apt-get install openmpi-bin libopenmpi-dev; " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MpiException("interrupted while asking mpicc how it compiles", e);
    }
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public synchronized void sum(float[] data, int offset, int count) {
    Objects.checkFromIndexSize(offset, count, data.length);
    sumFloats(data, offset, count);
  }

  @Override
  public synchronized void sum(double[] data, int offset, int count) {
    Objects.checkFromIndexSize(offset, count, data.length);
    sumDoubles(data, offset, count);
  }

  @Override
  public synchronized void sum(long[] data, int offset, int count) {
    Objects.checkFromIndexSize(offset, count, data.length);
    sumLongs(data, offset, count);
  }

  @Override
  public synchronized Pending startSum(float[] data, int offset, int count) {
    Objects.checkFromIndexSize(offset, count, data.length);
    for (long earlier : pending) {
      testSum(earlier);
    }
    long handle = startSumFloats(data, offset, count);
    pending.add(handle);
    return new Pending() {
      private boolean done;

      @Override
      public void await() {
        synchronized (Mpi.this) {
          if (!done) {
            done = true;
            pending.remove(handle);
            finishSum(handle);
          }
        }
      }
    };
  }

  @Override
  public synchronized void broadcast(long[] data, int offset, int count, int root) {
    Objects.checkFromIndexSize(offset, count, data.length);
    broadcastLongs(data, offset, count, root);
  }

  @Override
  public synchronized void barrier() {
    barrier0();
  }

  @Override
  public void abort(int exitCode) {
    System.out.flush();
    System.err.flush();
    abort0(exitCode);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      finish();
    }
  }

  @Override
  public String toString() {
    return "Open MPI, rank " + rank + " of " + size;
  }

  private static native int initialize(int requiredThreadLevel);

  private static native int commRank();

  private static native int commSize();

  private static native void sumFloats(float[] data, int offset, int count);

  private static native void sumDoubles(double[] data, int offset, int count);

  private static native void sumLongs(long[] data, int offset, int count);

  private static native long startSumFloats(float[] data, int offset, int count);

  private static native boolean testSum(long handle);

  private static native void finishSum(long handle);

  private static native void broadcastLongs(long[] data, int offset, int count, int root);

  private static native void barrier0();

  private static native void abort0(int exitCode);

  private static native void finish();
}
