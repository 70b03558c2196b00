package dev.netforge.runtime.distributed;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import java.util.List;

/**
 * Every parameter's gradient summed over the processes while the backward pass still runs, as PyTorch's DDP does: the
 * generated backward pass says when a layer's gradients are final ({@link CompiledNetwork#whenGradientsReady}), and
 * one communication thread sums them, one blocking in-place all-reduce per parameter, last layer first, while the
 * layers before compute. {@link #await} then makes the rest final and waits for every sum.
 *
 * <p>The buckets are the layers the backward pass announces, not fused ~25 MB buffers: each gradient is its own array,
 * so a fused bucket would copy every gradient in and out, and other message sizes may make Open MPI pick another
 * algorithm, and so another order of the sum over more than two ranks. Per parameter, every element is summed exactly
 * as {@link Gradients#sum} sums it, so the overlapped step gives the same bits; a network has few parameters (AlexNet
 * 16), so the messages' latency is small beside their megabytes. Blocking, because Open MPI's non-blocking all-reduce
 * moves only while some thread drives its progress (measured about 3.5 times slower for large messages).
 *
 * <p>MPI is called from one thread at a time (MPI_THREAD_SERIALIZED): between {@link #await} returning and the next
 * backward pass the communication thread is idle, and every other collective of a step must go there.
 */
public final class OverlappedGradientSum implements CompiledNetwork.GradientsReady, AutoCloseable {
  private final Communicator processes;
  private final CompiledNetwork net;
  private final List<Parameter> parameters;
  /** Parameters from this index on are final for the running backward pass. */
  private int ready;
  /** Parameters from this index on are summed. */
  private int summed;
  /** What the communication thread threw; it stops at the first. */
  private Throwable failure;
  private boolean closed;

  /** Starts the communication thread and has {@code net}'s backward passes announce their gradients to it. */
  public OverlappedGradientSum(Communicator processes, CompiledNetwork net) {
    this.processes = processes;
    this.net = net;
    this.parameters = net.parameters();
    ready = parameters.size();
    summed = parameters.size();
    Thread thread = new Thread(this::sumWhenReady, "netforge-gradient-sum");
    thread.setDaemon(true);  // a rank that fails while a sum waits for the others ends by MPI_Abort, not by joining it
    thread.start();
    net.whenGradientsReady(this);
  }

  @Override
  public synchronized void ready(int first, int count) {
    if (first + count != ready) {
      throw new IllegalStateException(net.name() + "'s backward pass announced parameters " + first + ".." + (first + count - 1)
          + " final after " + ready + " on: it must finish them last first, each once per pass");
    }
    ready = first;
    notifyAll();
  }

  /**
   * Makes every gradient final (those the backward pass did not announce: all, where no backward pass ran) and returns
   * once every one is summed over the processes. A failure of the communication thread is thrown here as it was thrown
   * there, so that the rank reports it as it would a failure of its own thread.
   */
  public synchronized void await() {
    ready = 0;
    notifyAll();
    try {
      while (summed > 0 && failure == null) {
        wait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + net.name() + "'s gradients were summed over the processes", e);
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException("the thread summing " + net.name() + "'s gradients was interrupted", failure);
    }
    ready = parameters.size();
    summed = parameters.size();
  }

  /** Stops the communication thread (at once when it is idle, as after {@link #await}) and the announcements. */
  @Override
  public synchronized void close() {
    net.whenGradientsReady(CompiledNetwork.GradientsReady.NOBODY);
    closed = true;
    notifyAll();
  }

  /** The communication thread: sums each parameter once it is final, the highest index first. */
  private void sumWhenReady() {
    try {
      while (true) {
        int k;
        synchronized (this) {
          while (!closed && ready >= summed) {
            wait();
          }
          if (closed) {
            return;
          }
          k = summed - 1;
        }
        Parameter p = parameters.get(k);
        processes.sum(p.grad, 0, p.size());
        synchronized (this) {
          summed = k;
          notifyAll();
        }
      }
    } catch (InterruptedException | RuntimeException | Error e) {
      synchronized (this) {
        failure = e;
        notifyAll();
      }
    }
  }
}
