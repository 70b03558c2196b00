package dev.netforge.runtime.cli;

import dev.netforge.runtime.train.EpochResult;
import dev.netforge.runtime.train.ResumePoint;
import dev.netforge.runtime.train.TrainingListener;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * What a person watching a training run sees: a progress bar per epoch with loss, accuracy and images per second; a
 * line per epoch with test loss, top-1 and top-5; {@code metrics.csv} and {@code metrics.png} (loss and accuracy
 * curves) in the run directory, rewritten after every epoch; and a warning after an epoch whose steps allocated as a
 * step running boxed vectors does ({@link AllocationMeter#BOXED_BYTES_PER_STEP}), which would otherwise only show as a
 * slower run.
 */
final class TrainingReport implements TrainingListener {
  static final String CSV_HEADER = "epoch,learning_rate,train_loss,train_top1,test_loss,test_top1,test_top5,seconds,images_per_second";

  /**
   * Steps the second half of an epoch must hold, and seconds the JVM must have run by its start, for its allocation
   * to be measured: a short run's steps may still be running before C2 has compiled them.
   */
  private static final int MIN_MEASURED_STEPS = 20;
  private static final long MIN_UPTIME_MILLIS = 20_000;

  private final long minUptimeMillis;
  private final Path dir;
  private final int epochs;
  /** Measures the compute threads' allocation per step, or {@code null} (an engine that does not run the Vector API kernels). */
  private final AllocationMeter allocation;
  /** What the compute threads had allocated at the start of this epoch's second half, or -1 where it is not measured. */
  private long allocatedAtHalf = -1;
  /** Heap bytes per step in the last epoch's second half, or -1 where it was not measured. */
  private double bytesPerStep = -1;
  private final List<double[]> rows = new ArrayList<>();
  private ProgressBar bar;
  /** Seconds this epoch has waited for data (image folders decode ahead of training; this says when they fall behind). */
  private double dataWaitSeconds;

  /**
   * @param resumed whether this run continues a checkpoint: then the epochs {@code metrics.csv} already records are
   *     kept; a new run starts the file afresh rather than appending to an older run's rows
   * @param vectorKernels whether the engine trains through the CPU's Vector API kernels, whose steps are then checked
   *     for boxed vectors
   */
  TrainingReport(Path dir, int epochs, boolean resumed, boolean vectorKernels) throws IOException {
    this(dir, epochs, resumed, vectorKernels, MIN_UPTIME_MILLIS);
  }

  /** @param minUptimeMillis how long the JVM must have run before an epoch's allocation is measured (tests: 0) */
  TrainingReport(Path dir, int epochs, boolean resumed, boolean vectorKernels, long minUptimeMillis) throws IOException {
    this.dir = dir;
    this.epochs = epochs;
    this.allocation = vectorKernels ? new AllocationMeter() : null;
    this.minUptimeMillis = minUptimeMillis;
    Path csv = dir.resolve("metrics.csv");
    if (resumed && Files.exists(csv)) {
      for (String line : Files.readAllLines(csv)) {
        if (!line.isBlank() && Character.isDigit(line.charAt(0))) {
          rows.add(java.util.Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
        }
      }
    }
  }

  @Override
  public void resumed(ResumePoint from, List<String> changes) {
    System.out.printf(Locale.ROOT, "resuming after epoch %d (step %d)%n", from.epoch(), from.step());
    for (String change : changes) {
      System.out.println("note: " + change + "; the run goes on, but not as that run would have");
    }
  }

  @Override
  public void dataWait(double seconds) {
    dataWaitSeconds = seconds;
  }

  @Override
  public void step(int epoch, int stepInEpoch, int stepsPerEpoch, double loss, double accuracy, double imagesPerSecond) {
    if (bar == null) {
      bar = new ProgressBarBuilder()
          .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
          .setInitialMax(stepsPerEpoch)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(1000)
          .setMaxRenderedLength(120)
          .build();
    }
    bar.stepTo(stepInEpoch);
    measureAllocation(stepInEpoch, stepsPerEpoch);
    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% %.0f img/s", loss, 100 * accuracy, imagesPerSecond)
        + (dataWaitSeconds >= 0.05 ? String.format(Locale.ROOT, ", waited %.1f s for data", dataWaitSeconds) : ""));
    if (stepInEpoch == stepsPerEpoch) {
      bar.close();
      bar = null;
    }
  }

  /** Reads the compute threads' allocation at the start of the epoch's second half and at its end. */
  private void measureAllocation(int stepInEpoch, int stepsPerEpoch) {
    if (allocation == null) {
      return;
    }
    int half = stepsPerEpoch / 2;
    if (stepInEpoch == half && stepsPerEpoch - half >= MIN_MEASURED_STEPS
        && ManagementFactory.getRuntimeMXBean().getUptime() >= minUptimeMillis) {
      allocatedAtHalf = allocation.allocatedByComputeThreads();
    } else if (stepInEpoch == stepsPerEpoch && allocatedAtHalf >= 0) {
      bytesPerStep = (allocation.allocatedByComputeThreads() - allocatedAtHalf) / (double) (stepsPerEpoch - half);
      allocatedAtHalf = -1;
    }
  }

  @Override
  public void epoch(EpochResult r) {
    System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f, train top-1 %.2f%% | test loss %.4f, top-1 %.2f%%, top-5 %.2f%% | lr %s, %.1f s, %.0f img/s%n",
        r.epoch(), r.trainLoss(), 100 * r.trainAccuracy(), r.test().loss(), 100 * r.test().top1(), 100 * r.test().top5(), learningRates(r),
        r.seconds(), r.imagesPerSecond());
    if (bytesPerStep > AllocationMeter.BOXED_BYTES_PER_STEP) {
      System.out.printf(Locale.ROOT, "warning: epoch %d's training steps allocated %.1f MB each (its second half): this JVM runs Vector API code "
          + "boxed (compiled without its intrinsics), so it trains slower than it can; a new JVM usually compiles it whole: stop and "
          + "continue with --resume from the last checkpoint%s%n", r.epoch(), bytesPerStep / 1e6, TrapLimit.advice());
    }
    bytesPerStep = -1;
    // A run resumed from an earlier checkpoint than the file's last row records those epochs again.
    rows.removeIf(row -> row[0] >= r.epoch());
    rows.add(new double[] {r.epoch(), r.learningRate(), r.trainLoss(), r.trainAccuracy(), r.test().loss(), r.test().top1(), r.test().top5(),
        r.seconds(), r.imagesPerSecond()});
    try {
      writeCsv();
      writePlot();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The epoch's rate, or its first and last step's where a per-step schedule (warm-up, cosine decay) moved it: the first
   * alone made a warm-up epoch look as if it had trained at a hundredth of the rate.
   */
  static String learningRates(EpochResult r) {
    String first = String.format(Locale.ROOT, "%g", r.learningRate());
    String last = String.format(Locale.ROOT, "%g", r.lastLearningRate());
    return first.equals(last) ? first : first + " to " + last;
  }

  private void writeCsv() throws IOException {
    StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
    for (double[] row : rows) {
      b.append(String.format(Locale.ROOT, "%d,%g,%.6f,%.6f,%.6f,%.6f,%.6f,%.2f,%.1f%n", (int) row[0], row[1], row[2], row[3], row[4], row[5], row[6],
          row[7], row[8]));
    }
    Path tmp = dir.resolve("metrics.csv.tmp");
    Files.writeString(tmp, b, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, dir.resolve("metrics.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private void writePlot() throws IOException {
    double[] epochAxis = column(0);
    XYChart loss = new XYChartBuilder().width(640).height(400).title("Loss").xAxisTitle("epoch").yAxisTitle("cross-entropy").build();
    loss.addSeries("train", epochAxis, column(2));
    loss.addSeries("test", epochAxis, column(4));
    XYChart accuracy = new XYChartBuilder().width(640).height(400).title("Accuracy").xAxisTitle("epoch").yAxisTitle("%").build();
    accuracy.addSeries("train top-1", epochAxis, percent(column(3)));
    accuracy.addSeries("test top-1", epochAxis, percent(column(5)));
    accuracy.addSeries("test top-5", epochAxis, percent(column(6)));
    BufferedImage image = new BufferedImage(1280, 400, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.drawImage(BitmapEncoder.getBufferedImage(loss), 0, 0, null);
    g.drawImage(BitmapEncoder.getBufferedImage(accuracy), 640, 0, null);
    g.dispose();
    Path tmp = dir.resolve("metrics.png.tmp");
    ImageIO.write(image, "png", tmp.toFile());
    Files.move(tmp, dir.resolve("metrics.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** A metric over the epochs; an infinite loss (a probability that underflowed) is left out of the plot as NaN. */
  private double[] column(int c) {
    return rows.stream().mapToDouble(r -> Double.isInfinite(r[c]) ? Double.NaN : r[c]).toArray();
  }

  private static double[] percent(double[] v) {
    double[] p = v.clone();
    for (int i = 0; i < p.length; i++) {
      p[i] *= 100;
    }
    return p;
  }
}
