package io.postwarden.audit.forensics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TimeBoundTest {

  static final Clock BERLIN =
      Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneId.of("Europe/Berlin"));

  @Test
  void agesCountBackFromNow() {
    assertEquals(Instant.parse("2026-11-30T11:00:00Z"), TimeBound.parse("1h", BERLIN));
    assertEquals(Instant.parse("2026-11-30T11:30:00Z"), TimeBound.parse("30m", BERLIN));
    assertEquals(Instant.parse("2026-11-23T12:00:00Z"), TimeBound.parse("7d", BERLIN));
    assertEquals(Instant.parse("2026-11-16T12:00:00Z"), TimeBound.parse("2w", BERLIN));
    assertEquals(Instant.parse("2026-11-30T11:59:50Z"), TimeBound.parse("10s", BERLIN));
  }

  @Test
  void datesAndLocalTimesAreInTheServersZoneInstantsAsGiven() {
    assertEquals(Instant.parse("2026-11-29T23:00:00Z"), TimeBound.parse("2026-11-30", BERLIN));
    assertEquals(
        Instant.parse("2026-11-30T07:00:00Z"), TimeBound.parse("2026-11-30T08:00", BERLIN));
    assertEquals(
        Instant.parse("2026-11-30T08:00:00Z"), TimeBound.parse("2026-11-30T08:00:00Z", BERLIN));
    assertEquals(
        Instant.parse("2026-11-30T06:00:00Z"),
        TimeBound.parse("2026-11-30T08:00:00+02:00", BERLIN));
  }

  @Test
  void anythingElseIsRefusedWithTheFormsThatWork() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("yesterday", BERLIN));
    assertEquals(true, e.getMessage().contains("an age (30m, 1h, 7d, 2w)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("1y", BERLIN));
    assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("2026-13-01", BERLIN));
  }
}
