package dev.netforge.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fixed set of worker threads that split a range of work into contiguous, equal chunks. The split depends only
 * on the thread count, so results are reproducible run to run for the same count.
 */
public final class Parallel implements AutoCloseable {
  /** The body of a parallel loop: handles {@code [start, end)} as worker {@code worker}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int worker, int start, int end);
  }

  private static volatile Parallel shared;

  private final int threads;
  private final ExecutorService pool;

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

  /** The process-wide pool: {@code -Dnetforge.threads=N}, else one thread per available core. */
  public static Parallel shared() {
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
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
