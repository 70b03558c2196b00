package dev.netforge.runtime.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The devices a {@code --device} choice means: none (the CPU engine), GPUs, or emulated devices. */
public final class Devices {
  private Devices() {}

  /**
   * @param kind {@code cpu}, {@code cuda}, {@code auto} (GPUs when the driver and a device are there, else the CPU with
   *     one log line; NVRTC is needed later only if neither the build's nor a cached compilation of the kernels loads)
   *     or {@code emulated} (the CUDA engine on the host, for trying it without a GPU)
   * @param count GPUs (or emulated devices) to use, at most one per tower; 0 for one per tower (as many GPUs as
   *     there are)
   * @param towers the towers of the network the devices will run
   * @return the devices, empty for the CPU engine
   */
  public static List<Device> open(String kind, int count, int towers) {
    return open(kind, count, towers, LocalRanks.ALONE);
  }

  /**
   * As {@link #open(String, int, int)} for one of several ranks on a host: each takes its own devices ({@link LocalRanks}),
   * and by default one per tower of its share of the host's GPUs. Emulated devices are numbered as GPUs would be: rank
   * 1's of two towers are {@code emulated:2} and {@code emulated:3}.
   */
  public static List<Device> open(String kind, int count, int towers, LocalRanks ranks) {
    switch (kind) {
      case "cpu":
        return List.of();
      case "cuda":
        return gpus().open(count, towers, ranks);
      case "auto":
        try {
          return gpus().open(count, towers, ranks);
        } catch (CudaException | LinkageError e) {
          System.err.println("netforge: no usable GPU (" + e.getMessage() + "); using the CPU engine");
          return List.of();
        }
      case "emulated":
        List<Device> emulated = new ArrayList<>();
        int perRank = Math.min(count <= 0 ? towers : count, towers);
        for (int index : ranks.devices(perRank, Integer.MAX_VALUE)) {
          emulated.add(new EmulatedDevice(index));
        }
        return emulated;
      default:
        throw new IllegalArgumentException("--device " + kind + " is not one of cpu, cuda, auto, emulated");
    }
  }

  /**
   * The GPU binding on the class path (netforge-jcuda's); a network run only on the CPU never looks for one.
   *
   * @throws CudaException when there is none, saying which artifact to add
   */
  static GpuDeviceProvider gpus() {
    return ServiceLoader.load(GpuDeviceProvider.class, Devices.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new CudaException("the CUDA engine needs dev.netforge:netforge-jcuda on the class path (it is not);"
            + " add it as a dependency, or use --device cpu"));
  }
}
