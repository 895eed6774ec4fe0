package io.postwarden.srs.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DayStampTest {

  @ParameterizedTest
  @CsvSource({"18262, 2W", "18431, 77", "18432, AA", "0, AA", "1023, 77", "32, BA", "-1, 77"})
  void writesTheDayModulo1024AsTwoBase32Characters(long epochDay, String text) {
    assertEquals(text, DayStamp.forDay(epochDay).text());
    assertEquals(Optional.of(DayStamp.forDay(epochDay)), DayStamp.parse(text));
    assertEquals(Optional.of(DayStamp.forDay(epochDay)), DayStamp.parse(text.toLowerCase()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "A", "AAA", "1A", "A8", "A=", "\u00c0A"})
  void rejectsAnythingButTwoBase32Characters(String text) {
    assertTrue(DayStamp.parse(text).isEmpty());
  }

  @ParameterizedTest
  @CsvSource({"18431, 18431, 0", "18431, 18432, 1", "18431, 18452, 21", "18432, 18431, 1023"})
  void ageCountsAcrossTheWrap(long written, long read, int age) {
    assertEquals(age, DayStamp.forDay(written).ageOn(read));
  }
}
