package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import java.util.LinkedHashMap;
import java.util.Map;

/** Short model names ({@code mini-alexnet}) and, failing those, fully qualified generated class names. */
public final class Models {
  private final Map<String, String> byName;

  public Models(Map<String, String> byName) {
    this.byName = new LinkedHashMap<>(byName);
  }

  public CompiledNetwork create(String name) {
    String className = byName.getOrDefault(name, name);
    if (!byName.containsKey(name) && !name.contains(".")) {
      throw new IllegalArgumentException("unknown model \"" + name + "\"; use one of " + byName.keySet()
          + " or the fully qualified name of a generated network class");
    }
    return CompiledNetwork.instantiate(className);
  }
}
