package io.postwarden.srs.codec;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Test helper: configurations and codecs with frozen clocks. */
final class TestCodecs {

  /** The clock of the test vectors in docs/srs-format.md: day 18262, stamp 2W. */
  static final Instant NOTES_CLOCK = Instant.parse("2020-01-01T00:01:00Z");

  static final String SRS_DOMAIN = "example.com";

  private TestCodecs() {}

  static SrsSecrets secrets(String... secrets) {
    return SrsSecrets.of(
        Arrays.stream(secrets)
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1))
            .collect(Collectors.toList()));
  }

  static SrsConfig config(String... secrets) {
    return SrsConfig.defaults(secrets(secrets));
  }

  static SrsCodec codec(SrsConfig config, Instant now) {
    return new SrsCodec(config, Clock.fixed(now, ZoneOffset.UTC));
  }

  static SrsCodec notesCodec() {
    return codec(config("tops3cr3t"), NOTES_CLOCK);
  }
}
