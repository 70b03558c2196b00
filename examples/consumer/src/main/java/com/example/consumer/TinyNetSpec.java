package com.example.consumer;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Init;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Softmax;

/** A user's own network: 8×8 grey images in four classes. */
@Network(name = "TinyNet", init = Init.HE)
@Input(channels = 1, height = 8, width = 8)
public interface TinyNetSpec {
  @Conv(filters = 4, kernel = 3, padding = 1)
  @Relu
  @MaxPool(kernel = 2, stride = 2)
  void conv1();

  @Dense(units = 4)
  @Softmax
  void fc2();
}
