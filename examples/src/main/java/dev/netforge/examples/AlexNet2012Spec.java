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
import dev.netforge.dsl.Softmax;

/**
 * The network of Krizhevsky, Sutskever and Hinton (2012), split over two towers as in the paper's figure 2:
 * conv2, conv4 and conv5 see only their own tower's channels; conv3 and the dense layers read both. The input is
 * 227×227 (the paper's "224" does not divide: (224 − 11)/4 + 1 = 54.25). Biases start at 1 in conv2, conv4, conv5
 * and the hidden dense layers, as in section 5. 60,965,224 parameters.
 */
@Network(name = "AlexNet2012", towers = 2, init = Init.PAPER)
@Input(channels = 3, height = 227, width = 227)
public interface AlexNet2012Spec {
  @Conv(filters = 96, kernel = 11, stride = 4)
  @Relu
  @Lrn(size = 5, alpha = 1e-4, beta = 0.75, k = 2)
  @MaxPool(kernel = 3, stride = 2)
  void conv1();

  @Conv(filters = 256, kernel = 5, padding = 2, groups = 2, bias = 1)
  @Relu
  @Lrn(size = 5, alpha = 1e-4, beta = 0.75, k = 2)
  @MaxPool(kernel = 3, stride = 2)
  void conv2();

  @Conv(filters = 384, kernel = 3, padding = 1)
  @Relu
  void conv3();

  @Conv(filters = 384, kernel = 3, padding = 1, groups = 2, bias = 1)
  @Relu
  void conv4();

  @Conv(filters = 256, kernel = 3, padding = 1, groups = 2, bias = 1)
  @Relu
  @MaxPool(kernel = 3, stride = 2)
  void conv5();

  @Dense(units = 4096, bias = 1)
  @Relu
  @Dropout(0.5)
  void fc6();

  @Dense(units = 4096, bias = 1)
  @Relu
  @Dropout(0.5)
  void fc7();

  @Dense(units = 1000)
  @Softmax
  void fc8();
}
