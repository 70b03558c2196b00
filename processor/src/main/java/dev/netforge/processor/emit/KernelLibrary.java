package dev.netforge.processor.emit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel library, {@code netforge_kernels.cuh}, read as the one place each kernel's signature is written: the
 * generated kernels take their parameters from the template they call, whether they synchronize a block's threads from
 * whether the template (or anything it calls) does, and the block and tile sizes from the library's constants. So the
 * Java side cannot disagree with the CUDA side about an argument's order or a barrier the emulator must honour.
 */
final class KernelLibrary {
  /** A kernel parameter: its C type and name. */
  record Param(String type, String name) {}

  /**
   * A function of the library.
   *
   * @param synchronizes whether it calls {@code __syncthreads}, itself or through a function it calls
   */
  record Function(String name, List<Param> params, boolean synchronizes) {}

  private static final String FILE = "netforge_kernels.cuh";
  private static final Pattern SIGNATURE =
      Pattern.compile("(?:__device__|__global__)\\s+(?:inline\\s+)?[\\w:<>*]+(?:\\s+__launch_bounds__\\([^)]*\\))?\\s+(\\w+)\\(([^)]*)\\)\\s*(?:const\\s*)?\\{");
  private static final Pattern CONSTANT = Pattern.compile("constexpr int (\\w+) = (\\d+);");

  private static KernelLibrary instance;

  private final String source;
  private final Map<String, Function> functions = new LinkedHashMap<>();
  private final Map<String, Integer> constants = new LinkedHashMap<>();

  KernelLibrary(String source) {
    this.source = source;
    Map<String, String> bodies = new LinkedHashMap<>();
    Map<String, List<Param>> params = new LinkedHashMap<>();
    Matcher m = SIGNATURE.matcher(source);
    while (m.find()) {
      bodies.put(m.group(1), body(source, m.end() - 1));
      params.put(m.group(1), parameters(m.group(2)));
    }
    Set<String> synchronizing = new HashSet<>();
    for (boolean grew = true; grew; ) {
      grew = false;
      for (Map.Entry<String, String> f : bodies.entrySet()) {
        if (!synchronizing.contains(f.getKey()) && (f.getValue().contains("__syncthreads") || callsAny(f.getValue(), synchronizing))) {
          grew = synchronizing.add(f.getKey());
        }
      }
    }
    for (String name : bodies.keySet()) {
      functions.put(name, new Function(name, params.get(name), synchronizing.contains(name)));
    }
    Matcher c = CONSTANT.matcher(source);
    while (c.find()) {
      constants.putIfAbsent(c.group(1), Integer.parseInt(c.group(2)));
    }
  }

  /** The library in the processor's jar, read once. */
  static synchronized KernelLibrary get() {
    if (instance == null) {
      instance = new KernelLibrary(load());
    }
    return instance;
  }

  /** The library's text, which every {@code .cu} starts with. */
  String source() {
    return source;
  }

  /** The function of that name; a name the library lacks is a bug in the generator, not in the user's network. */
  Function function(String name) {
    Function f = functions.get(name);
    if (f == null) {
      throw new IllegalStateException(FILE + " has no kernel function " + name);
    }
    return f;
  }

  /** A top-level {@code constexpr int} of the library: {@code TILE}, {@code EW_THREADS}, {@code GEMM_THREADS}. */
  int constant(String name) {
    Integer value = constants.get(name);
    if (value == null) {
      throw new IllegalStateException(FILE + " has no constant " + name);
    }
    return value;
  }

  /** The arguments for {@code function}'s parameters, in their order, from expressions given by parameter name. */
  List<String> arguments(String function, Map<String, String> byName) {
    List<Param> params = function(function).params();
    List<String> names = params.stream().map(Param::name).toList();
    if (!Set.copyOf(names).equals(byName.keySet())) {
      throw new IllegalStateException(function + " takes " + names + " but was given " + byName.keySet());
    }
    List<String> args = new ArrayList<>();
    for (String name : names) {
      args.add(byName.get(name));
    }
    return args;
  }

  private static boolean callsAny(String body, Set<String> functions) {
    for (String f : functions) {
      if (Pattern.compile("\\b" + f + "\\s*[<(]").matcher(body).find()) {
        return true;
      }
    }
    return false;
  }

  /** The text between the brace at {@code open} and its match. */
  private static String body(String source, int open) {
    int depth = 0;
    for (int i = open; i < source.length(); i++) {
      char ch = source.charAt(i);
      if (ch == '{') {
        depth++;
      } else if (ch == '}' && --depth == 0) {
        return source.substring(open + 1, i);
      }
    }
    throw new IllegalStateException(FILE + ": unbalanced braces after offset " + open);
  }

  private static List<Param> parameters(String list) {
    List<Param> params = new ArrayList<>();
    if (list.isBlank()) {
      return params;
    }
    for (String p : list.split(",")) {
      String text = p.trim().replaceAll("\\s+", " ");
      int split = text.lastIndexOf(' ');
      params.add(new Param(text.substring(0, split), text.substring(split + 1)));
    }
    return params;
  }

  private static String load() {
    try (InputStream in = KernelLibrary.class.getResourceAsStream(FILE)) {
      if (in == null) {
        throw new IllegalStateException(FILE + " is missing from the processor's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
