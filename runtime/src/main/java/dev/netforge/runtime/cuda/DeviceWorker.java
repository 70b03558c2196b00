package dev.netforge.runtime.cuda;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A device driven by a thread of its own: launches are queued and return at once, so the host issues one tower's
 * kernels while the other tower's worker issues its own; every other call waits for the work queued before it. A
 * launch that fails is reported by the next call that waits.
 */
final class DeviceWorker implements Device {
  private final Device device;
  private final ExecutorService thread;
  /** The first failure of a queued launch, reported by the next call that waits; later launches are skipped. */
  private volatile RuntimeException failure;

  DeviceWorker(Device device) {
    this.device = device;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "netforge-" + device.describe());
      t.setDaemon(true);
      return t;
    });
  }

  /** Runs {@code call} on the worker after everything queued before it; rethrows what it or a queued launch threw. */
  private <T> T await(Callable<T> call) {
    T result;
    try {
      result = thread.submit(call).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CudaException("interrupted while waiting for " + device.describe(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CudaException(device.describe() + " failed: " + e.getCause(), e.getCause());
    }
    RuntimeException failed = failure;
    if (failed != null) {
      failure = null;
      throw failed;
    }
    return result;
  }

  private void await(Runnable run) {
    await(() -> {
      run.run();
      return null;
    });
  }

  @Override
  public String describe() {
    return device.describe();
  }

  @Override
  public long allocate(long bytes) {
    return await(() -> device.allocate(bytes));
  }

  @Override
  public void free(long address) {
    await(() -> device.free(address));
  }

  @Override
  public void upload(long dst, float[] src, int from, int count) {
    await(() -> device.upload(dst, src, from, count));
  }

  @Override
  public void upload(long dst, int[] src, int from, int count) {
    await(() -> device.upload(dst, src, from, count));
  }

  @Override
  public void download(long src, float[] dst, int from, int count) {
    await(() -> device.download(src, dst, from, count));
  }

  @Override
  public void copyRows(long dst, long dstPitchBytes, Device source, long src, long srcPitchBytes, long widthBytes, long rows) {
    // The source's queued kernels produce the rows: wait for them before this device's worker copies.
    source.synchronize();
    Device from = source instanceof DeviceWorker worker ? worker.device : source;
    await(() -> device.copyRows(dst, dstPitchBytes, from, src, srcPitchBytes, widthBytes, rows));
  }

  @Override
  public void load(KernelModule module) {
    await(() -> device.load(module));
  }

  @Override
  public void launch(String module, String kernel, int gridX, int gridY, int gridZ, long... args) {
    thread.execute(() -> {
      if (failure == null) {
        try {
          device.launch(module, kernel, gridX, gridY, gridZ, args);
        } catch (RuntimeException e) {
          failure = e;
        }
      }
    });
  }

  @Override
  public void synchronize() {
    await(device::synchronize);
  }

  /** Ends the worker thread after the queued work; the device stays open (its owner closes it). */
  void stop() {
    thread.shutdown();
  }

  @Override
  public void close() {
    try {
      await(device::close);
    } finally {
      thread.shutdown();
    }
  }
}
