package io.postwarden.srs.codec;

import io.postwarden.srs.codec.ForwardResult.Rewritten;
import io.postwarden.srs.codec.ReverseResult.Reversed;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Throughput of one forward plus one reverse, single-threaded, with the default configuration and
 * two secrets, as during a key rotation. Not a JUnit test: run it by hand after {@code mvn
 * test-compile}, e.g. {@code java -cp target/classes:target/test-classes
 * io.postwarden.srs.codec.SrsCodecBenchmark}.
 */
public final class SrsCodecBenchmark {

  private static final String[] SENDERS = {
    "test@otherdomain.com",
    "User.Name+Tag@Sub.Example.ORG",
    "t\u00e9st@x.com",
    "SRS0=opaque+string@otherdomain.com",
    "bounce-12345-abcdef@lists.example.org"
  };
  private static final long WARM_UP_NANOS = 3_000_000_000L;
  private static final long MEASURE_NANOS = 5_000_000_000L;

  private SrsCodecBenchmark() {}

  public static void main(String[] args) {
    Clock clock = Clock.fixed(Instant.parse("2020-01-01T00:01:00Z"), ZoneOffset.UTC);
    SrsCodec codec = new SrsCodec(TestCodecs.config("n3wer-s3cret", "tops3cr3t"), clock);
    run(codec, WARM_UP_NANOS);
    long start = System.nanoTime();
    long pairs = run(codec, MEASURE_NANOS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%,.0f forward+reverse pairs per second (single thread, %,d pairs in %.1f s)%n",
        pairs / seconds, pairs, seconds);
  }

  private static long run(SrsCodec codec, long nanos) {
    long deadline = System.nanoTime() + nanos;
    long pairs = 0;
    int checksum = 0;
    while (System.nanoTime() < deadline) {
      for (String sender : SENDERS) {
        String address = ((Rewritten) codec.forward(sender, "example.com")).address();
        checksum += ((Reversed) codec.reverse(address)).address().length();
        pairs++;
      }
    }
    // Keeps the JIT from discarding the work.
    if (checksum == 42) {
      System.out.println();
    }
    return pairs;
  }
}
