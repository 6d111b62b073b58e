package dev.podnic.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;

/**
 * Two samples taken in the same rounds (the baseline and podnic, interleaved), compared round by round:
 * the median of the per-round values ({@code b ÷ a}, {@code b − a}) and its 95% bootstrap interval —
 * how far the run's figure could move by the luck of its rounds alone. The resampling's seed is fixed:
 * the same data give the same interval.
 */
record Paired(int n, double median, double low, double high) {
    private static final int RESAMPLES = 2000;

    static Paired ratio(List<Double> baseline, List<Double> podnic) {
        return of(baseline, podnic, (a, b) -> b / a);
    }

    static Paired difference(List<Double> baseline, List<Double> podnic) {
        return of(baseline, podnic, (a, b) -> b - a);
    }

    private static Paired of(List<Double> baseline, List<Double> podnic, DoubleBinaryOperator compare) {
        if (baseline.size() != podnic.size() || baseline.isEmpty()) {
            throw new IllegalArgumentException("paired samples need the same rounds: " + baseline.size() + " and " + podnic.size());
        }
        List<Double> perRound = new ArrayList<>(baseline.size());
        for (int i = 0; i < baseline.size(); i++) {
            perRound.add(compare.applyAsDouble(baseline.get(i), podnic.get(i)));
        }
        SplittableRandom random = new SplittableRandom(24);
        List<Double> medians = new ArrayList<>(RESAMPLES);
        List<Double> resample = new ArrayList<>(perRound.size());
        for (int r = 0; r < RESAMPLES; r++) {
            resample.clear();
            for (int i = 0; i < perRound.size(); i++) {
                resample.add(perRound.get(random.nextInt(perRound.size())));
            }
            medians.add(Stats.quantile(resample, 0.5));
        }
        return new Paired(perRound.size(), Stats.quantile(perRound, 0.5), Stats.quantile(medians, 0.025),
                Stats.quantile(medians, 0.975));
    }

    /** {@code format} for each of the three figures, e.g. "%.2f". */
    String format(String format) {
        return String.format(java.util.Locale.ROOT, format + " (95%% interval " + format + "–" + format + ", n=%d)", median, low, high, n);
    }
}
