package io.postwarden.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

  @Test
  void distanceCountsEachKindOfEditOnce() {
    assertEquals(0, DidYouMean.distance("hash-length", "hash-length"));
    assertEquals(1, DidYouMean.distance("hash-lenth", "hash-length"));
    assertEquals(1, DidYouMean.distance("hash-lengths", "hash-length"));
    assertEquals(1, DidYouMean.distance("hash-lemgth", "hash-length"));
    assertEquals(1, DidYouMean.distance("hash-lenght", "hash-length"));
    assertEquals(3, DidYouMean.distance("", "abc"));
    assertEquals(3, DidYouMean.distance("kitten", "sitting"));
  }

  @Test
  void suggestsTheNearestWithinTwoEdits() {
    List<String> keys = List.of("hash-length", "hash-minimum", "separator");

    assertEquals(Optional.of("hash-length"), DidYouMean.suggest("hash-lenght", keys));
    assertEquals(Optional.of("separator"), DidYouMean.suggest("seprator", keys));
    assertEquals(Optional.of("separator"), DidYouMean.suggest("seperatr", keys));
  }

  @Test
  void noSuggestionBeyondTwoEdits() {
    assertEquals(Optional.empty(), DidYouMean.suggest("sprtor", List.of("separator")));
    assertEquals(Optional.empty(), DidYouMean.suggest("anything", List.of()));
  }

  @Test
  void noSuggestionWhenTwoKeysAreEquallyNear() {
    assertEquals(Optional.empty(), DidYouMean.suggest("hash-mi", List.of("hash-mix", "hash-mid")));
  }

  @Test
  void aTieFartherAwayDoesNotHideTheNearest() {
    assertEquals(Optional.of("abcx"), DidYouMean.suggest("abcd", List.of("abyy", "azzd", "abcx")));
  }
}
