package io.postwarden.core.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TransactionLogTest {

  @Test
  void durationsReadAsFormatWouldWriteThem() {
    LongStream.concat(
            LongStream.of(
                0, 49_999, 50_000, 149_999, 150_000, 1_250_000, 999_949_999L, 12_345_678_901L),
            LongStream.iterate(7, n -> n < 5_000_000_000L, n -> n * 3 + 11))
        .forEach(
            nanos ->
                assertEquals(
                    String.format(Locale.ROOT, "%.1f", nanos / 1e6),
                    TransactionLog.milliseconds(nanos),
                    nanos + " ns"));
  }
}
