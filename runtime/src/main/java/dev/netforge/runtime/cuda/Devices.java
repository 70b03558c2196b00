package dev.netforge.runtime.cuda;

import java.util.ArrayList;
import java.util.List;

/** The devices a {@code --device} choice means: none (the CPU engine), GPUs, or emulated devices. */
public final class Devices {
  private Devices() {}

  /**
   * @param kind {@code cpu}, {@code cuda}, {@code auto} (GPUs when the driver, a device and NVRTC are there, else the
   *     CPU with one log line) or {@code emulated} (the CUDA engine on the host, for trying it without a GPU)
   * @param count GPUs (or emulated devices) to use; 0 for all GPUs, or two emulated devices
   * @return the devices, empty for the CPU engine
   */
  public static List<Device> open(String kind, int count) {
    switch (kind) {
      case "cpu":
        return List.of();
      case "cuda":
        return JCudaDevice.open(count);
      case "auto":
        try {
          List<Device> devices = JCudaDevice.open(count);
          try {
            JCudaDevice.nvrtcAvailable();
          } catch (CudaException | LinkageError e) {
            devices.forEach(Device::close);
            throw e;
          }
          return devices;
        } catch (CudaException | LinkageError e) {
          System.err.println("netforge: no usable GPU (" + e.getMessage() + "); using the CPU engine");
          return List.of();
        }
      case "emulated":
        List<Device> emulated = new ArrayList<>();
        for (int i = 0; i < (count <= 0 ? 2 : count); i++) {
          emulated.add(new EmulatedDevice(i));
        }
        return emulated;
      default:
        throw new IllegalArgumentException("--device " + kind + " is not one of cpu, cuda, auto, emulated");
    }
  }
}
