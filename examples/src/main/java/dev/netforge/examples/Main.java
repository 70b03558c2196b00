package dev.netforge.examples;

/** Placeholder entry; replaced below. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println(new MiniAlexNet().parameterCount());
  }
}
