package dev.netforge.examples;

import dev.netforge.runtime.cli.Cli;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The netforge command line with this module's networks registered by short name. With no arguments it trains
 * MiniAlexNet on Fashion-MNIST with the defaults.
 */
public final class Main {
  private Main() {}

  /** Short names for the example networks. */
  public static Map<String, String> models() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("alexnet2012", AlexNet2012.class.getName());
    m.put("alexnet-torchvision", AlexNetTorchvision.class.getName());
    m.put("mini-alexnet", MiniAlexNet.class.getName());
    return m;
  }

  public static void main(String[] args) {
    System.exit(Cli.run(models(), "train", args));
  }
}
