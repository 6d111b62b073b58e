package dev.podnic.bench;

import java.util.List;

/** Order statistics of a sample, in the sample's unit. */
record Stats(int n, double median, double p10, double p90, double min) {

    static Stats of(List<Double> sample) {
        double[] s = sample.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(s.length, quantile(s, 0.5), quantile(s, 0.1), quantile(s, 0.9), s[0]);
    }

    /** The q-quantile (0..1) of a sample, interpolated as above. */
    static double quantile(List<Double> sample, double q) {
        return quantile(sample.stream().mapToDouble(Double::doubleValue).sorted().toArray(), q);
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    @Override
    public String toString() {
        return String.format("median %.1f, p10 %.1f, p90 %.1f, min %.1f (n=%d)", median, p10, p90, min, n);
    }
}
