package dev.netforge.examples;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Dropout;
import dev.netforge.dsl.Init;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.Lrn;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Rounding;
import dev.netforge.dsl.Softmax;

/**
 * AlexNet's architecture scaled to 28×28 grey images (Fashion-MNIST): the same two towers, LRN, overlapping
 * pooling and dropout, 2,842,890 parameters; the layer table of ../shared/reference/README.md. He initialization,
 * since N(0, 0.01²) does not train a network this shallow and narrow in a few epochs.
 */
@Network(name = "MiniAlexNet", towers = 2, init = Init.HE)
@Input(channels = 1, height = 28, width = 28)
public interface MiniAlexNetSpec {
  @Conv(filters = 64, kernel = 5, padding = 2)
  @Relu
  @Lrn(size = 5, alpha = 1e-4, beta = 0.75, k = 2)
  @MaxPool(kernel = 3, stride = 2, rounding = Rounding.FLOOR)
  void conv1();

  @Conv(filters = 128, kernel = 5, padding = 2, groups = 2)
  @Relu
  @Lrn(size = 5, alpha = 1e-4, beta = 0.75, k = 2)
  @MaxPool(kernel = 3, stride = 2)
  void conv2();

  @Conv(filters = 192, kernel = 3, padding = 1)
  @Relu
  void conv3();

  @Conv(filters = 192, kernel = 3, padding = 1, groups = 2)
  @Relu
  void conv4();

  @Conv(filters = 128, kernel = 3, padding = 1, groups = 2)
  @Relu
  @MaxPool(kernel = 2, stride = 2)
  void conv5();

  @Dense(units = 1024)
  @Relu
  @Dropout(0.5)
  void fc6();

  @Dense(units = 1024)
  @Relu
  @Dropout(0.5)
  void fc7();

  @Dense(units = 10)
  @Softmax
  void fc8();
}
