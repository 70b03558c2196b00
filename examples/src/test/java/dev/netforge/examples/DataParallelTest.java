package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Reference;
import dev.netforge.runtime.cli.Cli;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.mpi.MpiRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synchronous data parallelism under mpirun, two ranks on this machine: they train as one process does (the same
 * shuffles, flips and dropout masks, the global batch's gradient), resume a checkpoint as one rank does; a rank that
 * fails stops both with a line naming it, and a rank killed ends the job, the checkpoint whole either way; on the CUDA
 * engine too (emulated devices). Skipped where mpirun is not installed.
 */
class DataParallelTest {
  /**
   * The 192 training examples in two batches of 96, more than the dense layers' leaf of 32 examples (and the
   * convolutions' 16): nn.BatchTree's first cut is the ranks' cut, so the two runs' weights have the same bits.
   */
  private static final int EXACT_BATCH = 96;

  @TempDir Path tmp;

  private List<String> train(Path data, Path out, int epochs, String... more) {
    return train(data, out, epochs, 32, more);
  }

  private List<String> train(Path data, Path out, int epochs, int batch, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--model", TinyTrainProbe.class.getName(), "--data", data.toString(), "--epochs",
        Integer.toString(epochs), "--batch", Integer.toString(batch), "--lr", "0.02", "--seed", "5", "--out", out.toString()));
    args.addAll(List.of(more));
    return args;
  }

  private static void alone(List<String> args) {
    Console.stdoutOf(() -> assertEquals(0, Cli.run(Main.models(), null, args.toArray(String[]::new))));
  }

  private static MpiRun.Result twoRanks(List<String> rank0, List<String> rank1) throws Exception {
    return MpiRun.run(120, Main.class.getName(), List.of(rank0, rank1));
  }

  @Test
  void twoRanksTrainAndResumeAsOneProcess() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 192, 48);
    alone(train(data, tmp.resolve("one"), 1, EXACT_BATCH));
    List<String> two = train(data, tmp.resolve("two"), 1, EXACT_BATCH);
    MpiRun.Result run = twoRanks(two, two);
    assertEquals(0, run.exitCode(), run.output());
    String first = run.output().lines().filter(l -> l.startsWith("training ")).findFirst().orElseThrow(() -> new AssertionError(run.output()));
    assertTrue(first.contains("2 ranks (Open MPI"), first);
    assertEquals(1, run.output().lines().filter(l -> l.startsWith("epoch 1:")).count(), "rank 0 alone reports:\n" + run.output());
    Path one = tmp.resolve("one/checkpoint.safetensors");
    Path twoRanks = tmp.resolve("two/checkpoint.safetensors");
    assertEquals("1", SafeTensors.read(one).metadata().get("ranks"));
    assertEquals("2", SafeTensors.read(twoRanks).metadata().get("ranks"));
    assertSameWeights(one, twoRanks);

    // The two-rank checkpoint resumed on one rank and on two: the same second epoch.
    Files.createDirectories(tmp.resolve("resumed-one"));
    Files.createDirectories(tmp.resolve("resumed-two"));
    alone(train(data, tmp.resolve("resumed-one"), 2, EXACT_BATCH, "--resume", twoRanks.toString()));
    List<String> resume = train(data, tmp.resolve("resumed-two"), 2, EXACT_BATCH, "--resume", twoRanks.toString());
    MpiRun.Result resumed = twoRanks(resume, resume);
    assertEquals(0, resumed.exitCode(), resumed.output());
    assertSameWeights(tmp.resolve("resumed-one/checkpoint.safetensors"), tmp.resolve("resumed-two/checkpoint.safetensors"));
    assertEquals("2", SafeTensors.read(tmp.resolve("resumed-two/checkpoint.safetensors")).metadata().get("epoch"));
  }

  @Test
  void aRankThatThrowsStopsEveryRankAndLeavesTheCheckpoint() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 64, 16);
    Path out = tmp.resolve("run");
    alone(train(data, out, 1));
    Path checkpoint = out.resolve("checkpoint.safetensors");
    byte[] before = Files.readAllBytes(checkpoint);
    // Rank 1 is started with another seed: it fails on its own while rank 0 goes on into the first collective step.
    List<String> rank0 = train(data, out, 2, "--resume", checkpoint.toString());
    List<String> rank1 = new ArrayList<>(rank0);
    rank1.set(rank1.indexOf("--seed") + 1, "6");
    MpiRun.Result run = twoRanks(rank0, rank1);
    assertNotEquals(0, run.exitCode(), run.output());
    assertTrue(run.seconds() < 60, "ended after " + run.seconds() + " s");
    List<String> errors = run.output().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), run.output());
    assertTrue(errors.get(0).startsWith("error: rank 1 of 2 failed, stopping every rank: rank 1 of 2 starts with the seed 6, rank 0 with 5"),
        errors.get(0));
    assertArrayEquals(before, Files.readAllBytes(checkpoint), "the checkpoint is as the last good epoch left it");
  }

  @Test
  void aRankKilledMidRunEndsTheJobAndLeavesTheCheckpoint() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 64, 16);
    Path out = tmp.resolve("run");
    Path checkpoint = out.resolve("checkpoint.safetensors");
    List<String> args = train(data, out, 10_000);
    long[] killedAt = new long[1];
    MpiRun.Result run = MpiRun.run(180, Main.class.getName(), List.of(args, args), mpirun -> {
      for (int i = 0; i < 1200 && !Files.exists(checkpoint); i++) {
        Thread.sleep(100);
      }
      ProcessHandle rank = mpirun.descendants().filter(p -> p.info().command().orElse("").endsWith("java")).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("no rank to kill under mpirun"));
      killedAt[0] = System.nanoTime();
      rank.destroyForcibly();
    });
    double seconds = (System.nanoTime() - killedAt[0]) / 1e9;
    assertNotEquals(0, run.exitCode(), run.output());
    assertTrue(seconds < 30, "the job ended " + seconds + " s after a rank was killed");
    assertTrue(run.output().contains("exited on signal 9"), run.output());
    SafeTensors last = SafeTensors.read(checkpoint);
    assertTrue(Integer.parseInt(last.metadata().get("epoch")) >= 1, last.metadata().toString());
    dev.netforge.runtime.train.Checkpoint.loadWeights(checkpoint, new TinyTrainProbe());
  }

  /** bench-distributed alone (no MPI): the all-reduces are the identity, the two steps are timed and reported. */
  @Test
  void benchDistributedReportsTheAllReduceAndTheStep() {
    String out = Console.stdoutOf(() -> assertEquals(0, Cli.run(Main.models(), null, "bench-distributed", "--model", TinyTrainProbe.class.getName(),
        "--batch", "8", "--steps", "1", "--repeats", "1", "--distributed", "none")));
    assertTrue(out.contains("TinyTrainProbe: ") && out.contains("of gradients, 1 ranks") && out.contains("all-reduce median"), out);
    assertTrue(out.contains("step of global batch 8 (8 on rank 0)") && out.contains("without the all-reduce"), out);
  }

  /**
   * The CUDA engine data-parallel, each rank on two emulated devices of its own (rank 1's are emulated:2 and :3, see
   * DevicesTest; the towers split over them inside a rank, the batch over the ranks): two ranks end as one process on
   * the CUDA engine does, and as the CPU engine, up to float rounding (the engines sum in other orders, and the CUDA
   * engine scales its gradients to the global batch after the backward pass, not before). Dropout and flips are on, so a
   * mask drawn for another example would show. Batches of 25, 25, 25 and 1: shares of 12 and 13 (a scaling that is not a
   * power of two), and a last step where rank 0 has no example.
   */
  @Test
  void twoRanksOnTheCudaEngineTrainAsOneProcess() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 76, 16);
    alone(train(data, tmp.resolve("cpu"), 1, 25, "--device", "cpu"));
    alone(train(data, tmp.resolve("cuda"), 1, 25, "--device", "emulated"));
    List<String> two = train(data, tmp.resolve("two"), 1, 25, "--device", "emulated");
    MpiRun.Result run = twoRanks(two, two);
    assertEquals(0, run.exitCode(), run.output());
    String first = run.output().lines().filter(l -> l.startsWith("training ")).findFirst().orElseThrow(() -> new AssertionError(run.output()));
    assertTrue(first.contains("2 ranks (Open MPI") && first.contains("cuda: tower 0 on emulated:0, tower 1 on emulated:1"), first);
    SafeTensors cpu = SafeTensors.read(tmp.resolve("cpu/checkpoint.safetensors"));
    SafeTensors cuda = SafeTensors.read(tmp.resolve("cuda/checkpoint.safetensors"));
    SafeTensors twoRanks = SafeTensors.read(tmp.resolve("two/checkpoint.safetensors"));
    assertEquals("2", twoRanks.metadata().get("ranks"));
    TinyTrainProbe initial = new TinyTrainProbe();
    initial.initialize(5);
    for (Parameter p : initial.parameters()) {
      float[] expected = cuda.get(p.name()).floats();
      float[] actual = twoRanks.get(p.name()).floats();
      Reference.assertClose(p.name() + ", two ranks against one process on the CUDA engine", actual, expected);
      Reference.assertClose(p.name() + ", two ranks on the CUDA engine against the CPU engine", actual, cpu.get(p.name()).floats());
      assertFalse(Arrays.equals(p.value, actual), p.name() + " did not train");
    }
  }

  private static void assertSameWeights(Path expected, Path actual) throws IOException {
    SafeTensors a = SafeTensors.read(expected);
    SafeTensors b = SafeTensors.read(actual);
    for (Parameter p : new TinyTrainProbe().parameters()) {
      assertArrayEquals(a.get(p.name()).floats(), b.get(p.name()).floats(), p.name());
    }
  }
}
