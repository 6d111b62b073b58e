package dev.podnic.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedTest {
    @Test
    void comparesRoundByRoundNotMedianByMedian() {
        // The baseline drifts from 50 to 149 ms over the run, podnic costs 10% more in every round.
        List<Double> baseline = new ArrayList<>();
        List<Double> podnic = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            baseline.add(50.0 + i);
            podnic.add((50.0 + i) * 1.1);
        }
        Paired ratio = Paired.ratio(baseline, podnic);
        assertThat(ratio.median()).isCloseTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ratio.low()).isCloseTo(1.1, org.assertj.core.data.Offset.offset(1e-9)); // no luck in it at all
        assertThat(ratio.high()).isCloseTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Paired.difference(List.of(10.0, 20.0, 30.0), List.of(11.0, 22.0, 33.0)).median()).isEqualTo(2.0);
    }

    @Test
    void itsIntervalHoldsTheMedianAndIsTheSameForTheSameData() {
        List<Double> baseline = new ArrayList<>();
        List<Double> podnic = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            baseline.add(50.0);
            podnic.add(55.0 + (i * 37 % 11)); // 55..65, scattered
        }
        Paired p = Paired.ratio(baseline, podnic);
        assertThat(p.low()).isLessThanOrEqualTo(p.median()).isGreaterThanOrEqualTo(1.1);
        assertThat(p.high()).isGreaterThanOrEqualTo(p.median()).isLessThanOrEqualTo(1.3);
        assertThat(Paired.ratio(baseline, podnic)).isEqualTo(p);
        assertThat(p.format("%.2f")).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f (95%% interval %.2f–%.2f, n=100)",
                p.median(), p.low(), p.high()));
    }

    @Test
    void samplesOfOtherRoundsAreRefused() {
        assertThatThrownBy(() -> Paired.ratio(List.of(1.0, 2.0), List.of(1.0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same rounds");
    }
}
