package dev.netforge.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void towersRunSideBySideEachOnItsShareOfTheThreads() throws Exception {
    try (Parallel pool = new Parallel(3)) {
      CountDownLatch bothStarted = new CountDownLatch(2);
      boolean[] metTheOther = new boolean[2];
      int[] share = new int[2];
      String[] thread = new String[2];
      pool.towers(
          2,
          t -> {
            bothStarted.countDown();
            try {
              // One after the other, the first tower would wait here for nothing.
              metTheOther[t] = bothStarted.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            share[t] = Parallel.shared().threads();
            thread[t] = Thread.currentThread().getName();
          });
      assertTrue(metTheOther[0] && metTheOther[1], "the two towers did not run at the same time");
      assertNotEquals(thread[0], thread[1]);
      assertEquals(Thread.currentThread().getName(), thread[0], "tower 0 runs on the caller");
      assertArrayEquals(new int[] {1, 2}, share, "3 threads split as 1 + 2");
    }
  }

  @Test
  void withFewerThreadsThanTowersTheyRunInTurnOverAllThreads() {
    try (Parallel pool = new Parallel(1)) {
      StringBuilder order = new StringBuilder();
      pool.towers(2, t -> order.append(t).append(Parallel.shared() == pool ? "=pool " : "=other "));
      assertEquals("0=pool 1=pool ", order.toString());
    }
  }

  @Test
  void afterTheTowersTheCallerSplitsOverTheSharedPoolAgain() {
    Parallel shared = Parallel.shared();
    try (Parallel pool = new Parallel(2)) {
      pool.towers(2, t -> {});
      assertSame(shared, Parallel.shared());
    }
  }

  @Test
  void aFailingTowerFailsTheCall() {
    try (Parallel pool = new Parallel(2)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> pool.towers(2, t -> {
            if (t == 1) {
              throw new IllegalStateException("tower 1 failed");
            }
          }));
      assertEquals("tower 1 failed", e.getMessage());
    }
  }

  @Test
  void everyLoopCoversItsRangeOnceInEqualChunks() {
    try (Parallel pool = new Parallel(3)) {
      for (int n = 2; n < 2000; n++) {
        int[] visits = new int[n];
        int[] chunkOf = new int[n];
        pool.forRange(n, (worker, start, end) -> {
          for (int i = start; i < end; i++) {
            visits[i]++;
            chunkOf[i] = worker;
          }
        });
        for (int i = 0; i < n; i++) {
          assertEquals(1, visits[i], "n = " + n + ", index " + i);
          int chunk = chunkOf[i];
          int chunks = Math.min(3, n);
          assertTrue((long) n * chunk / chunks <= i && i < (long) n * (chunk + 1) / chunks, "n = " + n + ": index " + i + " ran in chunk " + chunk);
        }
      }
    }
  }

  @Test
  void aClaimedLoopCoversItsRangeOnceInChunksOfItsGrain() {
    try (Parallel pool = new Parallel(3)) {
      for (int n = 0; n < 300; n++) {
        for (int grain = 1; grain <= 7; grain++) {
          int[] visits = new int[n];
          int g = grain;
          int size = n;
          pool.forClaimed(n, grain, (worker, start, end) -> {
            assertEquals(0, start % g, "a chunk starts on a multiple of the grain");
            assertEquals(Math.min(size, start + g), end, "a chunk is one grain long, or the range's rest");
            for (int i = start; i < end; i++) {
              visits[i]++;
            }
          });
          for (int i = 0; i < n; i++) {
            assertEquals(1, visits[i], "n = " + n + ", grain " + grain + ", index " + i);
          }
        }
      }
    }
  }

  @Test
  void aThreadHeldUpInOneChunkLeavesTheRestToTheOthers() {
    try (Parallel pool = new Parallel(2)) {
      // Equal shares would leave items 1..19 to the held-up thread; claimed, the other takes all 39 while it waits.
      HeldFirstChunk body = new HeldFirstChunk("the other thread did not finish the range");
      pool.forClaimed(HeldFirstChunk.CHUNKS, 1, body);
      body.assertTheOtherRanTheRest();
    }
  }

  @Test
  void aTowerDoneWithItsOwnWorkHelpsWithAnotherTowersClaimedLoop() {
    try (Parallel pool = new Parallel(2)) {
      // Tower 1 has one thread: whichever of it and its helper holds chunk 0, the other must run the rest.
      HeldFirstChunk body = new HeldFirstChunk("no thread helped tower 1 with the range");
      int[] workerNumbers = new int[1];
      pool.towers(2, t -> {
        if (t == 0) {
          return; // tower 0 has nothing of its own: its thread is free to help tower 1
        }
        workerNumbers[0] = Parallel.shared().workerNumbers();
        Parallel.shared().forClaimed(HeldFirstChunk.CHUNKS, 1, body);
      });
      assertEquals(2, workerNumbers[0], "a tower's one thread, and a number for the other tower's helping thread");
      body.assertTheOtherRanTheRest();
      assertEquals(Thread.currentThread().getName(), body.threadOf[1], "tower 0's thread (the caller) helps as worker 1");
    }
  }

  @Test
  void aHelperAskingWhileTheLastChunkRunsClaimsNothingMore() {
    try (Parallel pool = new Parallel(2)) {
      List<Integer> starts = Collections.synchronizedList(new ArrayList<>());
      pool.towers(2, t -> {
        if (t == 1) {
          // One chunk of a grain near int's range: tower 0's thread asks for work all the while tower 1 runs it.
          Parallel.shared().forClaimed(2, 1 << 30, (worker, start, end) -> {
            starts.add(start);
            try {
              Thread.sleep(200);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
        }
      });
      assertEquals(List.of(0), starts, "the one chunk, run once");
    }
  }

  /**
   * A claimed loop's body over {@value #CHUNKS} chunks of one item for two workers: whichever gets chunk 0 holds it
   * until the last chunk has run, so the other must run all the rest.
   */
  private static final class HeldFirstChunk implements Parallel.RangeBody {
    static final int CHUNKS = 40;
    final int[] chunksRun = new int[2];
    final String[] threadOf = new String[2];
    private final CountDownLatch lastChunkRun = new CountDownLatch(1);
    private final String notHelped;
    private int heldUpIn = -1;

    HeldFirstChunk(String notHelped) {
      this.notHelped = notHelped;
    }

    @Override
    public void run(int worker, int start, int end) {
      chunksRun[worker]++;
      threadOf[worker] = Thread.currentThread().getName();
      if (start == 0) {
        heldUpIn = worker;
        try {
          assertTrue(lastChunkRun.await(10, TimeUnit.SECONDS), notHelped);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else if (start == CHUNKS - 1) {
        lastChunkRun.countDown();
      }
    }

    void assertTheOtherRanTheRest() {
      assertEquals(1, chunksRun[heldUpIn], "the held-up thread ran only its first chunk");
      assertEquals(CHUNKS - 1, chunksRun[1 - heldUpIn]);
    }
  }

  @Test
  void aChunkFailingInAHelperFailsTheTowerItHelped() {
    try (Parallel pool = new Parallel(2)) {
      CountDownLatch helperFailed = new CountDownLatch(1);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> pool.towers(2, t -> {
            if (t == 1) {
              Parallel.shared().forClaimed(40, 1, (worker, start, end) -> {
                if (worker >= Parallel.shared().threads()) {
                  helperFailed.countDown();
                  throw new IllegalStateException("the helper's chunk failed");
                }
                if (start == 0) {
                  try {
                    helperFailed.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
            }
          }));
      assertEquals("the helper's chunk failed", e.getMessage());
      int[] sum = new int[1];
      pool.towers(2, t -> Parallel.shared().forClaimed(10, 1, (worker, start, end) -> {
        synchronized (sum) {
          sum[0] += end - start;
        }
      }));
      assertEquals(20, sum[0], "the pool goes on after the failure");
    }
  }

  @Test
  void aFailingWorkerFailsTheLoopAndThePoolGoesOn() {
    try (Parallel pool = new Parallel(2)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> pool.forRange(10, (worker, start, end) -> {
            if (worker == 1) {
              throw new IllegalArgumentException("worker 1 failed");
            }
          }));
      assertEquals("worker 1 failed", e.getMessage());
      int[] sum = new int[1];
      pool.forRange(10, (worker, start, end) -> {
        synchronized (sum) {
          sum[0] += end - start;
        }
      });
      assertEquals(10, sum[0]);
    }
  }

  @Test
  void aLoopHandedOutFromInsideALoopOfTheSamePoolIsRefused() {
    try (Parallel pool = new Parallel(2)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> pool.forRange(2, (worker, start, end) -> {
            if (worker == 0) {
              pool.forRange(2, (w, s, t) -> {});
            }
          }));
      assertTrue(e.getMessage().contains("one loop at a time"), e.getMessage());
    }
  }

  @Test
  void handingOutALoopEitherWayAllocatesNothing() {
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (Parallel pool = new Parallel(3)) {
      long[] threadIds = new long[3];
      float[] data = new float[3000];
      Parallel.RangeBody body = (worker, start, end) -> {
        threadIds[worker] = Thread.currentThread().getId();
        for (int i = start; i < end; i++) {
          data[i] += 1f;
        }
      };
      for (int i = 0; i < 20_000; i++) {
        pool.forRange(data.length, body);
        pool.forClaimed(data.length, 256, body);
      }
      long before = sum(bean.getThreadAllocatedBytes(threadIds));
      int loops = 10_000;
      for (int i = 0; i < loops; i++) {
        pool.forRange(data.length, body);
        pool.forClaimed(data.length, 256, body);
      }
      long allocated = sum(bean.getThreadAllocatedBytes(threadIds)) - before;
      assertEquals(60_000f, data[0]);
      // The reading itself allocates its result array; a future, a list or a captured lambda per loop would be
      // hundreds of kilobytes here.
      assertTrue(allocated < 1024, allocated + " bytes allocated by " + 2 * loops + " loops");
    }
  }

  private static long sum(long[] values) {
    long total = 0;
    for (long v : values) {
      total += v;
    }
    return total;
  }
}
