package io.postwarden.it.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics over the few rounds and the many latencies a bench collects. */
final class Stats {

  private Stats() {}

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /**
   * The nearest-rank percentile ({@code fraction} 0.5 for p50, 0.99 for p99) of unsorted values.
   */
  static long percentile(long[] values, double fraction) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(fraction * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
