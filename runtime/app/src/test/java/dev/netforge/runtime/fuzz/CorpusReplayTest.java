package dev.netforge.runtime.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Regression mode: every committed seed and finding, replayed through its parser on every build. */
class CorpusReplayTest {
  @TestFactory
  Stream<DynamicTest> everyCorpusInputKeepsItsParsersContract() {
    return Arrays.stream(ParserTarget.values()).flatMap(target -> {
      assertFalse(Corpus.of(target).isEmpty(), target + " has no seeds");
      return Corpus.of(target).stream().map(input -> DynamicTest.dynamicTest(target.corpusName() + "/" + input.name(),
          () -> assertNull(ParserContract.violation(target, input.bytes()))));
    });
  }
}
