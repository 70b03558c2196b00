package dev.netforge.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads that split a range of work into contiguous, equal chunks ({@link #forRange}: the
 * split depends only on the thread count, so results are reproducible run to run for the same count), or into chunks
 * of a given size that the threads claim as they come free ({@link #forClaimed}: for loops whose every chunk gives
 * the same bits whichever thread runs it, so that a thread slowed by the host does not hold the others up).
 *
 * <p>A multi-tower network runs its towers side by side ({@link #towers}): each tower on its own share of the
 * threads, and every kernel it calls splits its work over that share only ({@link #shared()} answers the tower's
 * pool on the tower's threads). A tower done before the others helps them: its thread claims chunks of their
 * claimed loops ({@link #forClaimed}) under worker numbers above their own threads', so that where the host slows
 * one core, the towers' barrier does not leave the other idle.
 *
 * <p>Handing out a loop allocates nothing (the training step is meant not to): the caller publishes the loop in this
 * pool's fields and bumps a generation number; each worker, spinning briefly and then parked, sees the new number,
 * runs its chunk and counts down; the caller runs chunk 0 and waits for the count to reach zero. Every worker takes
 * part in every loop, those without a chunk only counting down, so a loop's fields are never overwritten while a
 * worker may still read them. One caller at a time: a loop body must not hand out a loop on the same pool.
 */
public final class Parallel implements AutoCloseable {
  /** The body of a parallel loop: handles {@code [start, end)} as worker {@code worker}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int worker, int start, int end);
  }

  /**
   * A loop body that takes a call's arguments in its fields, so that it can be made once (per calling thread) and
   * handed out again and again without allocating; {@link #forRange(int, Loop)} clears it after each call.
   */
  public abstract static class Loop implements RangeBody {
    /** Drops the call's arrays, so that no finished call keeps a network's buffers reachable. */
    protected abstract void clear();
  }

  /** The name of every pool's worker threads: the threads, besides a loop's caller, that kernels compute on. */
  public static final String WORKER_THREAD_NAME = "netforge-worker";

  /** Spins before parking: long enough to cover the gap between two kernels' loops, short next to a kernel. */
  private static final int SPINS = 1 << 12;

  /** How long a tower's thread with nothing to help naps before it looks again: a loop's chunk is about as long. */
  private static final long HELPER_NAP_NANOS = 100_000;

  private static volatile Parallel shared;

  /** The pool of the tower this thread is running, inside {@link #towers}; unset elsewhere. */
  private static final ThreadLocal<Parallel> TOWER = new ThreadLocal<>();

  private final int threads;
  private final Thread[] workers;

  // The loop being handed out; written by the caller before the generation's volatile write publishes it.
  private RangeBody body;
  private int size;
  private int chunks;
  private volatile int generation;
  private volatile boolean closed;
  private volatile Thread caller;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicInteger unfinished = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  // The loop forClaimed hands out: its body, size and chunk size, and the first item not yet claimed.
  private RangeBody claimedBody;
  private int claimedSize;
  private int claimedGrain;
  private final AtomicInteger nextClaim = new AtomicInteger();
  /** The loop {@link #forClaimed} hands out to every thread: claim a chunk, run it, until none is left. */
  private final RangeBody runClaimed = (worker, start, end) -> runClaims(claimedBody, worker);
  /**
   * The claimed loop other towers' threads may help with ({@link #help}), from when {@link #forClaimed} hands it out
   * until this pool's own threads have run out of chunks; the volatile write publishes the claimed fields above to
   * the helpers.
   */
  private volatile RangeBody helpable;
  /** Helpers inside {@link #help}: a claimed loop returns only when none is, as they may still be writing its outputs. */
  private final AtomicInteger helpers = new AtomicInteger();

  /** Each tower's share of the threads, made on the first {@link #towers} call for that tower count. */
  private Parallel[] towerPools;
  /** Worker numbers after this pool's threads' for the other towers' helping threads: towers − 1 on a tower's pool. */
  private int helperNumbers;

  private IntConsumer towerBody;
  /** Towers of the running {@link #towers} call not yet finished. */
  private final AtomicInteger towersRunning = new AtomicInteger();
  /**
   * The loop {@link #towers} hands out: chunk t runs tower t on its share of the threads, then helps the towers still
   * running until all have finished (one tower a chunk, as {@link #towers} hands it out only with a thread a tower).
   */
  private final RangeBody runTowers =
      (worker, start, end) -> {
        for (int t = start; t < end; t++) {
          try {
            runAsTower(towerPools[t], t, towerBody);
          } finally {
            if (towersRunning.decrementAndGet() == 0) {
              wakeTowerThreads(); // the others may be napping in helpOtherTowers
            }
          }
          helpOtherTowers(t);
        }
      };

  public Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads = " + threads + " must be at least 1");
    }
    this.threads = threads;
    this.workers = new Thread[threads - 1];
    for (int w = 1; w < threads; w++) {
      int worker = w;
      Thread t = new Thread(() -> work(worker), WORKER_THREAD_NAME);
      t.setDaemon(true);
      workers[w - 1] = t;
    }
    for (Thread t : workers) {
      t.start();
    }
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

  /**
   * How many worker numbers a loop on this pool may run under, from 0: its threads' and, on a tower's pool, one for
   * each other tower, whose thread helps once done with its own ({@link #forClaimed}). Per-worker buffers cover them.
   */
  public int workerNumbers() {
    return threads + helperNumbers;
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
    if (!busy.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "a worker pool runs one loop at a time: this one was handed a loop from inside one of its own loops or from a second thread");
    }
    try {
      publish(n, chunks, body);
      try {
        body.run(0, 0, start(n, chunks, 1));
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
      }
      awaitWorkers();
    } finally {
      this.body = null;
      busy.set(false);
    }
    rethrowFailure();
  }

  /** Throws what a worker or helper of the last loop threw, if any did. */
  private void rethrowFailure() {
    Throwable failed = failure.getAndSet(null);
    if (failed instanceof RuntimeException re) {
      throw re;
    }
    if (failed instanceof Error err) {
      throw err;
    }
    if (failed != null) {
      throw new IllegalStateException("a worker failed", failed);
    }
  }

  /**
   * Runs {@code body} over {@code [0, n)} in chunks {@code [k·grain, min(n, (k + 1)·grain))}, each thread (the caller
   * among them) claiming the next chunk as soon as it is done with its last. Which thread runs a chunk, and in what
   * order, changes from call to call: the body must give the same results whatever the assignment (each chunk
   * writing only its own outputs, with its worker's own scratch). Balances a loop whose threads run at different
   * speeds — a host whose other tenants slow one core and not the other — where {@link #forRange}'s equal shares
   * leave the faster thread waiting. On a tower's pool, the threads of towers already done help, under worker numbers
   * from {@link #threads()} to {@link #workerNumbers()}.
   */
  public void forClaimed(int n, int grain, RangeBody body) {
    if (grain < 1) {
      throw new IllegalArgumentException("grain = " + grain + " must be at least 1");
    }
    if (claimedBody != null) {
      throw new IllegalStateException("a worker pool runs one claimed loop at a time: this one was handed one from inside another");
    }
    claimedBody = body;
    claimedSize = n;
    claimedGrain = grain;
    nextClaim.set(0);
    try {
      helpable = body;
      forRange(Math.min(threads, (n + grain - 1) / grain), runClaimed);
    } finally {
      helpable = null;
      // Then wait for helpers: one that registered before the line above may still run a chunk (and one that
      // registers after it sees null and leaves), a Dekker handshake on two volatiles.
      while (helpers.get() > 0) {
        Thread.onSpinWait();
      }
      claimedBody = null;
    }
    rethrowFailure();
  }

  /**
   * Claims chunks of the claimed loop {@code body} and runs them as worker {@code worker}, until none is left; returns
   * whether it ran any. It looks before it claims: a helper asks again and again while the loop's last chunks run, and
   * claiming each time pushed the counter a grain further each time, past int's range within seconds.
   */
  private boolean runClaims(RangeBody body, int worker) {
    boolean ran = false;
    while (nextClaim.get() < claimedSize) {
      int first = nextClaim.getAndAdd(claimedGrain);
      if (first >= claimedSize) {
        break;
      }
      body.run(worker, first, Math.min(claimedSize, first + claimedGrain));
      ran = true;
    }
    return ran;
  }

  /**
   * Runs chunks of this pool's open claimed loop, if it has one, as worker {@code worker} (a number above its own
   * threads', so that the loop's per-worker buffers are the helper's own), and returns whether it ran any; a failure
   * is the loop's to throw.
   */
  private boolean help(int worker) {
    if (helpable == null) {
      return false;
    }
    helpers.incrementAndGet();
    try {
      RangeBody body = helpable; // read again now that forClaimed waits for this helper
      return body != null && runClaims(body, worker);
    } catch (RuntimeException | Error e) {
      failure.compareAndSet(null, e);
      return true;
    } finally {
      helpers.decrementAndGet();
    }
  }

  /**
   * Tower {@code tower}'s thread, its own share done: helps the other towers' claimed loops until every tower has
   * finished. Its kernels' nested loops (there are none in claimed loops today) would run on its own tower's pool.
   */
  private void helpOtherTowers(int tower) {
    Parallel own = towerPools[tower];
    Parallel outer = TOWER.get();
    TOWER.set(own);
    try {
      for (int idle = 0; towersRunning.get() > 0; ) {
        boolean helped = false;
        for (int t = 0; t < towerPools.length; t++) {
          if (t != tower) {
            // After tower t's own threads, one worker number per other tower: every helper its own buffers.
            helped |= towerPools[t].help(towerPools[t].threads + (tower < t ? tower : tower - 1));
          }
        }
        idle = helped ? 0 : idle + 1;
        if (idle < SPINS) {
          Thread.onSpinWait();
        } else {
          // Napping between looks, not spinning, while the others run what cannot be shared (a dense layer's GEMM):
          // ranks of a data-parallel run may share the cores. The last tower to finish wakes it.
          LockSupport.parkNanos(this, HELPER_NAP_NANOS);
        }
      }
    } finally {
      TOWER.set(outer);
    }
  }

  /** Unparks every thread that runs a tower of this pool's {@link #towers} call: the caller and the workers. */
  private void wakeTowerThreads() {
    LockSupport.unpark(caller);
    for (Thread worker : workers) {
      LockSupport.unpark(worker);
    }
  }

  /** Hands the loop to the workers; under the lock so that {@link #close} cannot stop them between check and hand-over. */
  private synchronized void publish(int n, int chunks, RangeBody body) {
    if (closed) {
      throw new IllegalStateException("this worker pool is closed");
    }
    this.body = body;
    this.size = n;
    this.chunks = chunks;
    caller = Thread.currentThread();
    unfinished.set(workers.length);
    generation++; // the only writer; the volatile write publishes the fields above
    for (Thread worker : workers) {
      LockSupport.unpark(worker);
    }
  }

  /** {@link #forRange(int, RangeBody)}, then {@link Loop#clear} — also when the loop failed. */
  public void forRange(int n, Loop loop) {
    try {
      forRange(n, (RangeBody) loop);
    } finally {
      loop.clear();
    }
  }

  /** Waits, through interrupts, until every worker has counted down: they may still be writing the caller's arrays. */
  private void awaitWorkers() {
    boolean interrupted = false;
    for (int spin = 0; unfinished.get() > 0; spin++) {
      if (spin < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
        interrupted |= Thread.interrupted();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Worker {@code worker}'s life: wait for the next generation, run its chunk, count down. */
  private void work(int worker) {
    int seen = 0;
    while (true) {
      for (int spin = 0; generation == seen && !closed; spin++) {
        if (spin < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (generation == seen) {
        return; // closed, and no loop handed out before it was
      }
      seen = generation;
      if (worker < chunks) {
        try {
          body.run(worker, start(size, chunks, worker), start(size, chunks, worker + 1));
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }
      if (unfinished.decrementAndGet() == 0) {
        LockSupport.unpark(caller);
      }
    }
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
    towerPools(towers);
    towerBody = body;
    towersRunning.set(towers);
    try {
      forRange(towers, runTowers);
    } finally {
      towerBody = null;
    }
  }

  private synchronized void towerPools(int towers) {
    if (towerPools == null || towerPools.length != towers) {
      if (towerPools != null) {
        for (Parallel p : towerPools) {
          p.close();
        }
      }
      towerPools = new Parallel[towers];
      for (int t = 0; t < towers; t++) {
        towerPools[t] = new Parallel(start(threads, towers, t + 1) - start(threads, towers, t));
        towerPools[t].helperNumbers = towers - 1;
      }
    }
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

  private static int start(int n, int chunks, int chunk) {
    return (int) ((long) n * chunk / chunks);
  }

  /** Stops the workers (they finish a loop already handed out); later loops over more than one chunk fail. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Thread worker : workers) {
      LockSupport.unpark(worker);
    }
    if (towerPools != null) {
      for (Parallel p : towerPools) {
        p.close();
      }
    }
  }
}
