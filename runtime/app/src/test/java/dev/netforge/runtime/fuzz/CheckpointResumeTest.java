package dev.netforge.runtime.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.io.TensorFormatException;
import dev.netforge.runtime.train.Checkpoint;
import dev.netforge.runtime.train.LearningRateSchedule;
import dev.netforge.runtime.train.ResumePoint;
import dev.netforge.runtime.train.Sgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming from another network's, a truncated or a damaged checkpoint is an error naming the file and the fault. */
class CheckpointResumeTest {
  @TempDir Path tmp;

  private static final Map<String, String> STATE = Map.of("epoch", "2", "step", "40", "schedule.state", "0.01,0.5,1,0", "rng.data", "7",
      "rng.dropout", "9");

  private static String resumeError(Path file) {
    CheckpointProbe net = new CheckpointProbe();
    return assertThrows(TensorFormatException.class, () -> Checkpoint.resume(file, net, new Sgd(net.parameters(), 0.9, 0),
        LearningRateSchedule.parse("plateau:2", 0.01, 1, 1))).getMessage();
  }

  private Path checkpoint(Map<String, String> metadata) throws IOException {
    CheckpointProbe net = new CheckpointProbe();
    Path file = tmp.resolve("checkpoint.safetensors");
    Checkpoint.write(file, net, new Sgd(net.parameters(), 0.9, 0), metadata);
    return file;
  }

  @Test
  void resumesWhereTheRunStood() throws IOException {
    CheckpointProbe net = new CheckpointProbe();
    ResumePoint at = Checkpoint.resume(checkpoint(STATE), net, new Sgd(net.parameters(), 0.9, 0), LearningRateSchedule.parse("plateau:2", 0.01, 1, 1));
    assertEquals(new ResumePoint(2, 40, 7, Map.of()), at, "a checkpoint from before counter-based data draws: its generator state is the seed");
  }

  @Test
  void resumesTheDataSeedOfACounterBasedCheckpoint() throws IOException {
    Map<String, String> metadata = new HashMap<>(STATE);
    metadata.remove("rng.data");
    metadata.put("data.seed", "-11");
    CheckpointProbe net = new CheckpointProbe();
    ResumePoint at = Checkpoint.resume(checkpoint(metadata), net, new Sgd(net.parameters(), 0.9, 0), LearningRateSchedule.parse("plateau:2", 0.01, 1, 1));
    assertEquals(new ResumePoint(2, 40, -11, Map.of()), at);
  }

  @Test
  void anotherNetworksCheckpointIsNamedAsSuch() throws IOException {
    Path file = tmp.resolve("other.safetensors");
    Map<String, String> metadata = new HashMap<>(STATE);
    metadata.put("network", "MiniAlexNet");
    SafeTensors.write(file, metadata, List.of(Tensor.of("conv1.weight", new float[4], 1, 1, 2, 2)));
    String m = resumeError(file);
    assertTrue(m.contains("other.safetensors") && m.contains("is a checkpoint of MiniAlexNet, not CheckpointProbe"), m);
  }

  @Test
  void truncatedCheckpointNamesTheFile() throws IOException {
    Path file = checkpoint(STATE);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
    String m = resumeError(file);
    assertTrue(m.contains("checkpoint.safetensors") && m.contains("lie outside the"), m);
  }

  @Test
  void damagedMetadataIsNamedNotAParseException() throws IOException {
    Map<String, String> badEpoch = new HashMap<>(STATE);
    badEpoch.put("epoch", "two");
    String m = resumeError(checkpoint(badEpoch));
    assertTrue(m.contains("metadata \"epoch\" is \"two\", expected an integer in [0, "), m);
    Map<String, String> badSchedule = new HashMap<>(STATE);
    badSchedule.put("schedule.state", "0.01,0.5");
    m = resumeError(checkpoint(badSchedule));
    assertTrue(m.contains("metadata \"schedule.state\" is damaged: expected rate,bestError,sinceBest,drops"), m);
  }
}
