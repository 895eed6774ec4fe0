package io.postwarden.srs.policy;

import io.postwarden.core.config.WatchedFile;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import java.time.Clock;
import java.util.function.Function;

/** The codec for the secrets in force: rebuilt when the secrets file changes. */
final class CodecSource {

  private final WatchedFile<SrsSecrets> secrets;
  private final Function<SrsSecrets, SrsConfig> settings;
  private final Clock clock;
  private SrsSecrets built;
  private SrsCodec codec;

  CodecSource(
      WatchedFile<SrsSecrets> secrets, Function<SrsSecrets, SrsConfig> settings, Clock clock) {
    this.secrets = secrets;
    this.settings = settings;
    this.clock = clock;
  }

  synchronized SrsCodec current() {
    SrsSecrets now = secrets.get();
    if (now != built) {
      codec = new SrsCodec(settings.apply(now), clock);
      built = now;
    }
    return codec;
  }
}
