package dev.netforge.runtime.fuzz;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Mutation fuzzing in every build, deterministically: a fixed seed, so the same mutated inputs are tried each time. The
 * open-ended search with a time budget is {@link FuzzCampaignTest}.
 */
class MutatedInputsTest {
  @Property(tries = 1400, seed = "20240915", shrinking = net.jqwik.api.ShrinkingMode.FULL)
  void mutatedCorpusInputsKeepTheirParsersContract(@ForAll ParserTarget target, @ForAll @IntRange(min = 0, max = 1 << 16) int seedIndex,
      @ForAll("mutations") List<Mutation> mutations) throws Exception {
    List<Corpus.Input> seeds = Corpus.of(target);
    byte[] input = Mutation.applyAll(seeds.get(seedIndex % seeds.size()).bytes(), mutations);
    assertNull(ParserContract.violation(target, input));
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Mutation.sequences();
  }
}
