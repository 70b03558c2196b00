package dev.netforge.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
}
