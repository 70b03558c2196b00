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
    Network network = switch (model) {
      case "mini-alexnet" -> miniAlexNet();
      case "alexnet2012" -> alexNet2012();
      default -> throw new IllegalArgumentException(
          "unknown model " + model + "; the DL4J peer has mini-alexnet and alexnet2012");
    };
    ComputationGraph graph = new ComputationGraph(network.graph.build());
    graph.init();

    Nd4j.getRandom().setSeed(1);
    INDArray images = Nd4j.randn(DataType.FLOAT, batch, network.channels, network.size, network.size);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, network.classes);
    for (int i = 0; i < batch; i++) {
      labels.putScalar(i, i % network.classes, 1f);
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

  /** A graph under construction with the input it expects. */
  private record Network(GraphBuilder graph, int channels, int size, int classes) {}

  private static GraphBuilder start() {
    return new NeuralNetConfiguration.Builder()
        .seed(1)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.RELU)
        .updater(new Nesterovs(0.01, 0.9))
        .l2(5e-4)
        .graphBuilder()
        .addInputs("input");
  }

  private static Network miniAlexNet() {
    GraphBuilder g = start();
    conv(g, "conv1", 1, 64, 5, 1, 2, "input");
    towers(g, "conv1", 64);
    lrnPool(g, "conv1", 3, 2);
    conv(g, "conv2a", 32, 64, 5, 1, 2, "conv1aPool");
    conv(g, "conv2b", 32, 64, 5, 1, 2, "conv1bPool");
    lrnPool(g, "conv2", 3, 2);
    g.addVertex("conv2Pool", new MergeVertex(), "conv2aPool", "conv2bPool");
    conv(g, "conv3", 128, 192, 3, 1, 1, "conv2Pool");
    towers(g, "conv3", 192);
    conv(g, "conv4a", 96, 96, 3, 1, 1, "conv3a");
    conv(g, "conv4b", 96, 96, 3, 1, 1, "conv3b");
    conv(g, "conv5a", 96, 64, 3, 1, 1, "conv4a");
    conv(g, "conv5b", 96, 64, 3, 1, 1, "conv4b");
    pool(g, "conv5aPool", 2, 2, "conv5a");
    pool(g, "conv5bPool", 2, 2, "conv5b");
    g.addVertex("conv5Pool", new MergeVertex(), "conv5aPool", "conv5bPool");
    classifier(g, 128, 3, 1024, 10, "conv5Pool");
    return new Network(g, 1, 28, 10);
  }

  private static Network alexNet2012() {
    GraphBuilder g = start();
    conv(g, "conv1", 3, 96, 11, 4, 0, "input");
    towers(g, "conv1", 96);
    lrnPool(g, "conv1", 3, 2);
    conv(g, "conv2a", 48, 128, 5, 1, 2, "conv1aPool");
    conv(g, "conv2b", 48, 128, 5, 1, 2, "conv1bPool");
    lrnPool(g, "conv2", 3, 2);
    g.addVertex("conv2Pool", new MergeVertex(), "conv2aPool", "conv2bPool");
    conv(g, "conv3", 256, 384, 3, 1, 1, "conv2Pool");
    towers(g, "conv3", 384);
    conv(g, "conv4a", 192, 192, 3, 1, 1, "conv3a");
    conv(g, "conv4b", 192, 192, 3, 1, 1, "conv3b");
    conv(g, "conv5a", 192, 128, 3, 1, 1, "conv4a");
    conv(g, "conv5b", 192, 128, 3, 1, 1, "conv4b");
    pool(g, "conv5aPool", 3, 2, "conv5a");
    pool(g, "conv5bPool", 3, 2, "conv5b");
    g.addVertex("conv5Pool", new MergeVertex(), "conv5aPool", "conv5bPool");
    classifier(g, 256, 6, 4096, 1000, "conv5Pool");
    return new Network(g, 3, 227, 1000);
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

  /** LRN then max pooling in each tower of {@code layer}: {@code layer + "aPool"} and {@code layer + "bPool"}. */
  private static void lrnPool(GraphBuilder g, String layer, int window, int stride) {
    for (String tower : new String[] {"a", "b"}) {
      g.addLayer(layer + tower + "Lrn",
          new LocalResponseNormalization.Builder().k(2).n(5).alpha(1e-4).beta(0.75).build(), layer + tower);
      pool(g, layer + tower + "Pool", window, stride, layer + tower + "Lrn");
    }
  }

  private static void pool(GraphBuilder g, String name, int window, int stride, String from) {
    g.addLayer(name, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .kernelSize(window, window).stride(stride, stride).build(), from);
  }

  /** fc6 to fc8 on {@code from}'s {@code channels} planes of {@code size}×{@code size}. */
  private static void classifier(GraphBuilder g, int channels, int size, int hidden, int classes, String from) {
    g.addLayer("fc6", new DenseLayer.Builder().nIn(channels * size * size).nOut(hidden)
            .activation(Activation.RELU).build(), new CnnToFeedForwardPreProcessor(size, size, channels), from)
        .addLayer("fc7", new DenseLayer.Builder().nIn(hidden).nOut(hidden).activation(Activation.RELU).dropOut(0.5).build(), "fc6")
        .addLayer("fc8", new OutputLayer.Builder(LossFunction.MCXENT).nIn(hidden).nOut(classes).activation(Activation.SOFTMAX)
            .dropOut(0.5).build(), "fc7")
        .setOutputs("fc8");
  }
}
