package io.postwarden.core.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.session.TransactionRecord;
import java.time.Duration;
import java.util.List;
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

  @Test
  void aRewrittenSenderIsOnTheTransactionsLine() {
    TransactionRecord record =
        new TransactionRecord(
            "4XyZ1",
            ClientAddress.UNKNOWN,
            "mx.example",
            null,
            "ann@outside.example",
            1,
            TransactionRecord.Outcome.ACCEPTED,
            null,
            List.of(
                new Modification.ChangeSender("SRS0=HHHH=TT=outside.example=ann@srs.example"),
                new Modification.AddHeader("X-Postwarden-Audit", "v")),
            Duration.ofMillis(2));
    String line = TransactionLog.format(record);
    assertEquals(
        "queue_id=4XyZ1 outcome=accepted client="
            + ClientAddress.UNKNOWN
            + " client_name=mx.example"
            + " sasl_user=- from=<ann@outside.example>"
            + " new_from=<SRS0=HHHH=TT=outside.example=ann@srs.example> rcpts=1 by=-"
            + " mods=ChangeSender,AddHeader ms=2.0",
        line);
  }
}
