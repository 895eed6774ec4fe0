package io.postwarden.srs.secrets;

import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Supplier;

/** The codec for the secrets in force: rebuilt when the secrets change (a new file version). */
public final class CodecSource implements Supplier<SrsCodec> {

  private final Supplier<SrsSecrets> secrets;
  private final Function<SrsSecrets, SrsConfig> settings;
  private final Clock clock;
  private SrsSecrets built;
  private SrsCodec codec;

  public CodecSource(
      Supplier<SrsSecrets> secrets, Function<SrsSecrets, SrsConfig> settings, Clock clock) {
    this.secrets = secrets;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public synchronized SrsCodec get() {
    SrsSecrets now = secrets.get();
    if (now != built) {
      codec = new SrsCodec(settings.apply(now), clock);
      built = now;
    }
    return codec;
  }
}
