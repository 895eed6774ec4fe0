package io.postwarden.limits;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.CommandLineRedactor;
import io.postwarden.audit.identity.IdentityMetrics;
import io.postwarden.core.config.Config;
import io.postwarden.core.module.ChainBuilder;
import io.postwarden.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LimitsModuleTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private void build(LimitsModule module) throws Exception {
    ChainBuilder chain = new ChainBuilder(registry);
    chain.share(
        ClientIdentifier.class,
        new ClientIdentifier(
            new LocalAddresses(Set::of, Duration.ofHours(1), clock),
            Optional.empty(),
            Optional.empty(),
            new CommandLineRedactor(true, List.of()),
            new IdentityMetrics(registry)));
    module.build(
        Config.parse(
            "limits-control-socket = \"\"\nlimits-state-file = \"\"\n", "test", LimitsKeys.SCHEMA),
        chain);
  }

  @Test
  void aReloadCountsKeysWithTheSameGaugesAndNoWarning() throws Exception {
    List<String> warnings = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(record.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger micrometer = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");
    micrometer.addHandler(capture);
    try (LimitsModule module = new LimitsModule(clock, false)) {
      build(module);
      build(module); // a reload
    } finally {
      micrometer.removeHandler(capture);
    }
    assertFalse(registry.find("postwarden.limits.keys").gauges().isEmpty());
    assertEquals(List.of(), warnings);
  }
}
