package dev.netforge.runtime.cuda;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A device driven by a thread of its own: launches, events and exchange copies are queued and return at once, so the
 * host issues one tower's kernels while the other tower's worker issues its own, and an exchange waits on the
 * workers' threads, not the host's; every other call waits for the work queued before it. Queued work that fails is
 * reported by the next call that waits.
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
  public void markWrittenBeforeRead(long address, long bytes) {
    await(() -> device.markWrittenBeforeRead(address, bytes));
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
    Device from = source instanceof DeviceWorker worker ? worker.device : source;
    queue(() -> device.copyRows(dst, dstPitchBytes, from, src, srcPitchBytes, widthBytes, rows));
  }

  /** An event recorded when this worker's thread reaches it: the device's own event once it exists. */
  private static final class QueuedEvent implements Event {
    final CompletableFuture<Event> recorded = new CompletableFuture<>();

    /** The device's event, once recorded; throws what recording it threw. */
    Event join() {
      try {
        return recorded.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }

    /** Frees the device's event once the source's thread has recorded it; nothing to free when recording failed. */
    @Override
    public void release() {
      recorded.thenAccept(Event::release);
    }
  }

  @Override
  public Event recordEvent() {
    QueuedEvent event = new QueuedEvent();
    thread.execute(() -> {
      if (failure != null) {
        event.recorded.completeExceptionally(new CudaException(device.describe() + " failed before this event"));
        return;
      }
      try {
        event.recorded.complete(device.recordEvent());
      } catch (RuntimeException e) {
        failure = e;
        event.recorded.completeExceptionally(e);
      }
    });
    return event;
  }

  @Override
  public void waitFor(Event event) {
    // This worker's thread blocks until the source's thread has recorded the event (an emulated source has then
    // finished the work before it); the device itself then waits for the event's work without blocking anyone.
    // A wait skipped after a failure still frees the event.
    thread.execute(() -> {
      if (failure != null) {
        keepFirst(event::release);
      } else {
        keepFirst(() -> device.waitFor(event instanceof QueuedEvent queued ? queued.join() : event));
      }
    });
  }

  @Override
  public void load(KernelModule module) {
    await(() -> device.load(module));
  }

  @Override
  public void launch(String module, String kernel, int gridX, int gridY, int gridZ, long... args) {
    queue(() -> device.launch(module, kernel, gridX, gridY, gridZ, args));
  }

  /** Queues {@code work}; it is skipped once queued work has failed, and its own failure is kept for the next wait. */
  private void queue(Runnable work) {
    thread.execute(() -> {
      if (failure == null) {
        keepFirst(work);
      }
    });
  }

  /** Runs {@code work} on the worker's thread; its failure is reported by the next wait, unless an earlier one is. */
  private void keepFirst(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      }
    }
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
