package dev.netforge.examples;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Dropout;
import dev.netforge.dsl.Init;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Param;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Rounding;
import dev.netforge.dsl.Softmax;

/**
 * torchvision's single-tower AlexNet ({@code torchvision.models.alexnet}), with its state_dict names so its weights
 * load as they are. Its first convolution floors (224 + 2·2 − 11)/4 + 1 = 55.25 to 55, as PyTorch does; the adaptive
 * average pool is the identity at 6×6 and so is not declared; the first dropout acts on the flattened pool output.
 * 61,100,840 parameters.
 */
@Network(name = "AlexNetTorchvision", towers = 1, init = Init.HE)
@Input(channels = 3, height = 224, width = 224)
public interface AlexNetTorchvisionSpec {
  @Param("features.0")
  @Conv(filters = 64, kernel = 11, stride = 4, padding = 2, rounding = Rounding.FLOOR)
  @Relu
  @MaxPool(kernel = 3, stride = 2)
  void conv1();

  @Param("features.3")
  @Conv(filters = 192, kernel = 5, padding = 2)
  @Relu
  @MaxPool(kernel = 3, stride = 2)
  void conv2();

  @Param("features.6")
  @Conv(filters = 384, kernel = 3, padding = 1)
  @Relu
  void conv3();

  @Param("features.8")
  @Conv(filters = 256, kernel = 3, padding = 1)
  @Relu
  void conv4();

  @Param("features.10")
  @Conv(filters = 256, kernel = 3, padding = 1)
  @Relu
  @MaxPool(kernel = 3, stride = 2)
  @Dropout(0.5)
  void conv5();

  @Param("classifier.1")
  @Dense(units = 4096)
  @Relu
  @Dropout(0.5)
  void fc6();

  @Param("classifier.4")
  @Dense(units = 4096)
  @Relu
  void fc7();

  @Param("classifier.6")
  @Dense(units = 1000)
  @Softmax
  void fc8();
}
