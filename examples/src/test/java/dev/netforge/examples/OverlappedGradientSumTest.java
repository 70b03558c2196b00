package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.data.Batcher;
import dev.netforge.runtime.data.FashionMnist;
import dev.netforge.runtime.data.ImageSet;
import dev.netforge.runtime.distributed.Communicator;
import dev.netforge.runtime.distributed.OverlappedGradientSum;
import dev.netforge.runtime.train.Trainer;
import dev.netforge.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gradient all-reduce overlapping the backward pass (that generated backward passes announce each layer's
 * gradients once final, last layer first, RandomNetworkTest checks): one thread sums them as announced, one call at a
 * time; the weights are the same bits as summed after the backward pass; a failure of that thread is what the trainer
 * throws. No MPI here: a stand-in for two ranks whose other rank is this one's copy.
 */
class OverlappedGradientSumTest {
  @TempDir Path tmp;

  @Test
  void announcedGradientsAreSummedBeforeAwaitOneAtATimeLastFirst() {
    CompiledNetwork net = new TinyTrainProbe();
    List<Parameter> parameters = net.parameters();
    int last = parameters.size() - 1;
    CountDownLatch lastSummed = new CountDownLatch(2);
    MirrorOfTwo processes = new MirrorOfTwo(null, lastSummed);
    try (OverlappedGradientSum sum = new OverlappedGradientSum(processes, net)) {
      for (int step = 0; step < 2; step++) {
        for (Parameter p : parameters) {
          java.util.Arrays.fill(p.grad, 1f);
        }
        processes.summed.clear();
        sum.ready(last - 1, 2);
        if (step == 0) {
          assertTrue(await(lastSummed), "the announced gradients were not summed before await");
          assertEquals(List.of(parameters.get(last).grad, parameters.get(last - 1).grad), processes.summed, "only the announced ones, last first");
        }
        sum.await();
        assertEquals(parameters.size(), processes.summed.size(), "each parameter summed once per step");
        for (Parameter p : parameters) {
          assertEquals(2f, p.grad[0], p.name());
          assertTrue(processes.summed.contains(p.grad), p.name());
        }
      }
    }
    assertEquals(0, processes.overlappingCalls.get(), "two collectives at once");
    assertEquals(Collections.singleton("netforge-gradient-sum"), processes.gradientThreads);
  }

  @Test
  void outOfOrderAnnouncementsAreRefused() {
    CompiledNetwork net = new TinyTrainProbe();
    try (OverlappedGradientSum sum = new OverlappedGradientSum(new MirrorOfTwo(null, null), net)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> sum.ready(0, 2));
      assertTrue(e.getMessage().startsWith("TinyTrainProbe's backward pass announced parameters 0..1 final after " + net.parameters().size() + " on"),
          e.getMessage());
    }
  }

  @Test
  void overlappedAndAfterTheBackwardPassTrainTheSameWeights() throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 96, 32);
    MirrorOfTwo overlapping = new MirrorOfTwo(null, null);
    CompiledNetwork overlapped = trained(data, overlapping, true);
    MirrorOfTwo after = new MirrorOfTwo(null, null);
    CompiledNetwork afterBackward = trained(data, after, false);
    for (int k = 0; k < overlapped.parameters().size(); k++) {
      Parameter p = overlapped.parameters().get(k);
      assertArrayEquals(afterBackward.parameters().get(k).value, p.value, p.name());
    }
    assertEquals(Collections.singleton("netforge-gradient-sum"), overlapping.gradientThreads);
    assertEquals(Collections.singleton(Thread.currentThread().getName()), after.gradientThreads);
    assertEquals(0, overlapping.overlappingCalls.get(), "two collectives at once");
  }

  @Test
  void aFailureOfTheCommunicationThreadIsWhatTheTrainerThrows() throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 64, 16);
    RuntimeException failure = new IllegalStateException("MPI_Allreduce failed: MPI_ERR_TRUNCATE");
    MirrorOfTwo processes = new MirrorOfTwo(failure, null);
    long start = System.nanoTime();
    RuntimeException thrown = assertThrows(RuntimeException.class, () -> trained(data, processes, true));
    // The same exception, so the rank's one line ("error: rank r of P failed, stopping every rank: ...") is as before.
    assertSame(failure, thrown);
    assertTrue((System.nanoTime() - start) / 1e9 < 60, "the trainer waited for the failed thread");
  }

  private CompiledNetwork trained(Path data, Communicator processes, boolean overlap) throws IOException {
    ImageSet set = FashionMnist.train(data);
    Trainer.Config config = new Trainer.Config(1, 32, 0.05, 0.9, 5e-4, "constant", 7, true, tmp.resolve("checkpoint.safetensors"), Map.of());
    CompiledNetwork net = new TinyTrainProbe();
    new Trainer(config, processes, overlap).train(net, new Batcher(set, set.statistics()), new Batcher(set, set.statistics()), null,
        new TrainingListener() {});
    return net;
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Rank 0 of two whose rank 1 computed exactly what it did: every sum doubles. It records which float arrays were
   * summed and on which threads, counts calls that overlapped another, and can fail the float sums.
   */
  private static final class MirrorOfTwo implements Communicator {
    final List<float[]> summed = Collections.synchronizedList(new ArrayList<>());
    final java.util.Set<String> gradientThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicInteger overlappingCalls = new AtomicInteger();
    private final AtomicInteger inCall = new AtomicInteger();
    private final RuntimeException failure;
    private final CountDownLatch floatSums;

    MirrorOfTwo(RuntimeException failure, CountDownLatch floatSums) {
      this.failure = failure;
      this.floatSums = floatSums;
    }

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public int size() {
      return 2;
    }

    @Override
    public void sum(float[] data, int offset, int count) {
      enter();
      try {
        gradientThreads.add(Thread.currentThread().getName());
        if (failure != null) {
          throw failure;
        }
        for (int i = offset; i < offset + count; i++) {
          data[i] += data[i];
        }
        summed.add(data);
        if (floatSums != null) {
          floatSums.countDown();
        }
      } finally {
        leave();
      }
    }

    @Override
    public void sum(double[] data, int offset, int count) {
      enter();
      for (int i = offset; i < offset + count; i++) {
        data[i] += data[i];
      }
      leave();
    }

    @Override
    public void sum(long[] data, int offset, int count) {
      enter();
      for (int i = offset; i < offset + count; i++) {
        data[i] += data[i];
      }
      leave();
    }

    @Override
    public Pending startSum(float[] data, int offset, int count) {
      throw new AssertionError("training sums blocking");
    }

    @Override
    public void broadcast(long[] data, int offset, int count, int root) {
      enter();
      leave();
    }

    @Override
    public void barrier() {
      enter();
      leave();
    }

    @Override
    public void abort(int exitCode) {
      throw new AssertionError("abort(" + exitCode + ")");
    }

    @Override
    public void close() {}

    private void enter() {
      if (inCall.incrementAndGet() > 1) {
        overlappingCalls.incrementAndGet();
      }
    }

    private void leave() {
      inCall.decrementAndGet();
    }
  }
}
