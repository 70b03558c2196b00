package dev.netforge.bench.dl4j;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The networks of netforge's {@code bench} built in DL4J, timed the way {@code bench} and {@code bench/peers.py} time
 * them: the median of N forward passes (inference mode) and of N training steps (forward, backward, update), after two
 * of each to warm up, at one batch size. Prints the same two lines as the PyTorch peer, which {@code bench/peers.sh}
 * reads.
 *
 * <p>DL4J's convolution has no groups, so each tower is a {@link SubsetVertex} of the channels and the towers meet
 * again in a {@link MergeVertex} — the same function as netforge's towers and PyTorch's grouped convolutions. LRN is
 * applied within each tower's channels, as in netforge; DL4J's LRN, like the paper's, does not divide alpha by the
 * window size. DL4J puts a layer's dropout on its input, so the dropout after fc6 is fc7's and the one after fc7 is
 * the output layer's. Every layer is given its input size rather than inferred from the input type: DL4J 1.0.0-M2.1's
 * {@code SubsetVertex} reports {@code from - to + 1} channels for convolutional input when the graph is configured
 * (its forward pass slices the right channels), and the inference would carry that negative count on.
 *
 * <p>Usage: {@code Dl4jBench --model mini-alexnet|alexnet2012 --batch N --steps N}
 */
public final class Dl4jBench {
  private static final String[] TOWERS = {"a", "b"};

  private Dl4jBench() {}

  public static void main(String[] args) {
    String model = "mini-alexnet";
    int batch = 128;
    int steps = 10;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--model" -> model = args[i + 1];
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--steps" -> steps = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Dimensions dimensions = switch (model) {
      case "mini-alexnet" -> miniAlexNet();
      case "alexnet2012" -> alexNet2012();
      default -> throw new IllegalArgumentException(
          "unknown model " + model + "; the DL4J peer has mini-alexnet and alexnet2012");
    };
    ComputationGraph graph = new ComputationGraph(configuration(dimensions).build());
    graph.init();

    Nd4j.getRandom().setSeed(1);
    INDArray images = Nd4j.randn(DataType.FLOAT, batch, dimensions.channels(), dimensions.size(), dimensions.size());
    INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, dimensions.classes());
    for (int i = 0; i < batch; i++) {
      labels.putScalar(i, i % dimensions.classes(), 1f);
    }
    DataSet data = new DataSet(images, labels);

    double forward = median(steps, () -> graph.outputSingle(false, images));
    double train = median(steps, () -> graph.fit(data));
    System.out.printf("DL4J %s (%d parameters), batch %d, %s threads (OMP_NUM_THREADS)%n",
        model, graph.numParams(), batch, System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
    System.out.printf("forward                median %.4f s/step: %.1f img/s%n", forward, batch / forward);
    System.out.printf("train step (fwd+bwd)   median %.4f s/step: %.1f img/s%n", train, batch / train);
  }

  private static double median(int steps, Runnable step) {
    step.run();
    step.run();
    double[] seconds = new double[steps];
    for (int i = 0; i < steps; i++) {
      long start = System.nanoTime();
      step.run();
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return seconds[steps / 2];
  }

  /**
   * What differs between MiniAlexNet and AlexNet2012, which are otherwise the same five convolutions in two towers and
   * three dense layers: the input, conv1's window, each convolution's filters (both towers together), conv5's pooling
   * window and the plane it leaves, and the dense layers' widths.
   */
  private record Dimensions(int channels, int size, int conv1Filters, int conv1Kernel, int conv1Stride, int conv1Pad,
      int conv2Filters, int conv3Filters, int conv4Filters, int conv5Filters, int conv5Pool, int conv5PoolPlane,
      int hidden, int classes) {}

  private static Dimensions miniAlexNet() {
    return new Dimensions(1, 28, 64, 5, 1, 2, 128, 192, 192, 128, 2, 3, 1024, 10);
  }

  private static Dimensions alexNet2012() {
    return new Dimensions(3, 227, 96, 11, 4, 0, 256, 384, 384, 256, 3, 6, 4096, 1000);
  }

  private static GraphBuilder configuration(Dimensions d) {
    GraphBuilder g = new NeuralNetConfiguration.Builder()
        .seed(1)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.RELU)
        .updater(new Nesterovs(0.01, 0.9))
        .l2(5e-4)
        .graphBuilder()
        .addInputs("input");
    conv(g, "conv1", d.channels(), d.conv1Filters(), d.conv1Kernel(), d.conv1Stride(), d.conv1Pad(), "input");
    towers(g, "conv1", d.conv1Filters());
    lrnPool(g, "conv1");
    for (String t : TOWERS) {
      conv(g, "conv2" + t, d.conv1Filters() / 2, d.conv2Filters() / 2, 5, 1, 2, "conv1" + t + "Pool");
    }
    lrnPool(g, "conv2");
    g.addVertex("conv2Pool", new MergeVertex(), "conv2aPool", "conv2bPool");
    conv(g, "conv3", d.conv2Filters(), d.conv3Filters(), 3, 1, 1, "conv2Pool");
    towers(g, "conv3", d.conv3Filters());
    for (String t : TOWERS) {
      conv(g, "conv4" + t, d.conv3Filters() / 2, d.conv4Filters() / 2, 3, 1, 1, "conv3" + t);
      conv(g, "conv5" + t, d.conv4Filters() / 2, d.conv5Filters() / 2, 3, 1, 1, "conv4" + t);
      pool(g, "conv5" + t + "Pool", d.conv5Pool(), 2, "conv5" + t);
    }
    g.addVertex("conv5Pool", new MergeVertex(), "conv5aPool", "conv5bPool");
    int flat = d.conv5Filters() * d.conv5PoolPlane() * d.conv5PoolPlane();
    return g
        .addLayer("fc6", new DenseLayer.Builder().nIn(flat).nOut(d.hidden()).activation(Activation.RELU).build(),
            new CnnToFeedForwardPreProcessor(d.conv5PoolPlane(), d.conv5PoolPlane(), d.conv5Filters()), "conv5Pool")
        .addLayer("fc7", new DenseLayer.Builder().nIn(d.hidden()).nOut(d.hidden()).activation(Activation.RELU)
            .dropOut(0.5).build(), "fc6")
        .addLayer("fc8", new OutputLayer.Builder(LossFunction.MCXENT).nIn(d.hidden()).nOut(d.classes())
            .activation(Activation.SOFTMAX).dropOut(0.5).build(), "fc7")
        .setOutputs("fc8");
  }

  private static void conv(
      GraphBuilder g, String name, int channels, int filters, int kernel, int stride, int pad, String from) {
    g.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(pad, pad)
        .nIn(channels).nOut(filters).activation(Activation.RELU).build(), from);
  }

  /** Splits {@code name}'s channels into towers {@code name + "a"} and {@code name + "b"}. */
  private static void towers(GraphBuilder g, String name, int channels) {
    g.addVertex(name + "a", new SubsetVertex(0, channels / 2 - 1), name);
    g.addVertex(name + "b", new SubsetVertex(channels / 2, channels - 1), name);
  }

  /** LRN then 3×3/2 max pooling in each tower of {@code layer}: {@code layer + "aPool"} and {@code layer + "bPool"}. */
  private static void lrnPool(GraphBuilder g, String layer) {
    for (String tower : TOWERS) {
      g.addLayer(layer + tower + "Lrn",
          new LocalResponseNormalization.Builder().k(2).n(5).alpha(1e-4).beta(0.75).build(), layer + tower);
      pool(g, layer + tower + "Pool", 3, 2, layer + tower + "Lrn");
    }
  }

  private static void pool(GraphBuilder g, String name, int window, int stride, String from) {
    g.addLayer(name, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .kernelSize(window, window).stride(stride, stride).build(), from);
  }
}
