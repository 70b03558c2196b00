package dev.netforge.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads that split a range of work into contiguous, equal chunks. The split depends only
 * on the thread count, so results are reproducible run to run for the same count.
 *
 * <p>A multi-tower network runs its towers side by side ({@link #towers}): each tower on its own share of the
 * threads, and every kernel it calls splits its work over that share only ({@link #shared()} answers the tower's
 * pool on the tower's threads).
 */
public final class Parallel implements AutoCloseable {
  /** The body of a parallel loop: handles {@code [start, end)} as worker {@code worker}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int worker, int start, int end);
  }

  private static volatile Parallel shared;

  /** The pool of the tower this thread is running, inside {@link #towers}; unset elsewhere. */
  private static final ThreadLocal<Parallel> TOWER = new ThreadLocal<>();

  private final int threads;
  private final ExecutorService pool;

  /** Each tower's share of the threads, made on the first {@link #towers} call for that tower count. */
  private Parallel[] towerPools;

  public Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads = " + threads + " must be at least 1");
    }
    this.threads = threads;
    this.pool =
        threads == 1
            ? null
            : Executors.newFixedThreadPool(
                threads - 1,
                r -> {
                  Thread t = new Thread(r, "netforge-worker");
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * The pool kernels split their work over: inside {@link #towers}, the running tower's share; elsewhere the
   * process-wide pool ({@code -Dnetforge.threads=N}, else one thread per available core).
   */
  public static Parallel shared() {
    Parallel tower = TOWER.get();
    if (tower != null) {
      return tower;
    }
    Parallel p = shared;
    if (p == null) {
      synchronized (Parallel.class) {
        if (shared == null) {
          shared = new Parallel(Integer.getInteger("netforge.threads", Runtime.getRuntime().availableProcessors()));
        }
        p = shared;
      }
    }
    return p;
  }

  /** Replaces the process-wide pool (the CLI's {@code --threads}). */
  public static synchronized void setShared(int threads) {
    if (shared != null) {
      shared.close();
    }
    shared = new Parallel(threads);
  }

  public int threads() {
    return threads;
  }

  /** Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} chunks; worker 0 is the caller. */
  public void forRange(int n, RangeBody body) {
    int chunks = Math.min(threads, n);
    if (chunks <= 1) {
      if (n > 0) {
        body.run(0, 0, n);
      }
      return;
    }
    List<Future<?>> futures = new ArrayList<>(chunks - 1);
    for (int w = 1; w < chunks; w++) {
      int worker = w;
      futures.add(pool.submit(() -> body.run(worker, start(n, chunks, worker), start(n, chunks, worker + 1))));
    }
    body.run(0, 0, start(n, chunks, 1));
    join(futures);
  }

  /**
   * Runs {@code body} once per tower, {@code 0 ≤ tower < towers}, and returns when all have finished: the barrier
   * a tower exchange needs. With at least as many threads as towers the towers run at the same time, tower 0 on the
   * caller and the others on this pool's workers, each with an equal share of the threads for the kernels it calls;
   * with fewer threads they run one after the other, each kernel over all threads.
   */
  public void towers(int towers, IntConsumer body) {
    if (towers <= 1 || threads < towers) {
      for (int t = 0; t < towers; t++) {
        runAsTower(this, t, body);
      }
      return;
    }
    Parallel[] pools = towerPools(towers);
    List<Future<?>> futures = new ArrayList<>(towers - 1);
    for (int t = 1; t < towers; t++) {
      int tower = t;
      futures.add(pool.submit(() -> runAsTower(pools[tower], tower, body)));
    }
    runAsTower(pools[0], 0, body);
    join(futures);
  }

  private synchronized Parallel[] towerPools(int towers) {
    if (towerPools == null || towerPools.length != towers) {
      if (towerPools != null) {
        for (Parallel p : towerPools) {
          p.close();
        }
      }
      towerPools = new Parallel[towers];
      for (int t = 0; t < towers; t++) {
        towerPools[t] = new Parallel(start(threads, towers, t + 1) - start(threads, towers, t));
      }
    }
    return towerPools;
  }

  private static void runAsTower(Parallel towerPool, int tower, IntConsumer body) {
    Parallel outer = TOWER.get();
    TOWER.set(towerPool);
    try {
      body.accept(tower);
    } finally {
      TOWER.set(outer);
    }
  }

  private static void join(List<Future<?>> futures) {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a worker", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  private static int start(int n, int chunks, int chunk) {
    return (int) ((long) n * chunk / chunks);
  }

  @Override
  public synchronized void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (towerPools != null) {
      for (Parallel p : towerPools) {
        p.close();
      }
    }
  }
}
