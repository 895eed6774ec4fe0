package io.postwarden.limits.state;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.rule.Measure;
import io.postwarden.limits.store.SavedKey;
import io.postwarden.limits.store.SavedKey.SavedWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateCodecTest {

  static final List<SavedKey> KEYS =
      List.of(
          new SavedKey(
              KeyKind.SASL,
              "alice",
              0,
              List.of(
                  new SavedWindow(Measure.RECIPIENTS, 60_000, 29_000_000, 7, 3),
                  new SavedWindow(Measure.MESSAGES, 86_400_000, 20_000, 0, 41))),
          new SavedKey(KeyKind.UNIX, "www-shop", 1_800_000_000_000L, List.of()),
          new SavedKey(
              KeyKind.CLIENT,
              "2001:db8:1:2::/64",
              0,
              List.of(new SavedWindow(Measure.MESSAGES, 1000, 5, 1, 0))),
          new SavedKey(KeyKind.DOMAIN, "bücher.example", 0, List.of()),
          new SavedKey(
              KeyKind.SERVER,
              "",
              0,
              List.of(new SavedWindow(Measure.RECIPIENTS, 3_600_000, 480_000, 0, 2))));

  @Test
  void whatIsWrittenIsReadBack() throws Exception {
    assertEquals(KEYS, StateCodec.decode(StateCodec.encode(1_764_000_000_000L, KEYS)));
    assertEquals(List.of(), StateCodec.decode(StateCodec.encode(0, List.of())));
  }

  @Test
  void aTruncatedFileIsRefusedWhole() {
    byte[] file = StateCodec.encode(0, KEYS);
    for (int length : new int[] {0, 10, 30, file.length - 1}) {
      assertThrows(
          CorruptStateException.class,
          () -> StateCodec.decode(Arrays.copyOf(file, length)),
          "length " + length);
    }
  }

  @Test
  void anyFlippedBitIsNoticed() {
    byte[] file = StateCodec.encode(0, KEYS);
    for (int i = 0; i < file.length; i++) {
      byte[] damaged = file.clone();
      damaged[i] ^= 0x10;
      int at = i;
      assertThrows(
          CorruptStateException.class, () -> StateCodec.decode(damaged), () -> "byte " + at);
    }
  }

  @Test
  void anotherFileIsNotTakenForState() {
    CorruptStateException e =
        assertThrows(
            CorruptStateException.class,
            () -> StateCodec.decode("sasl:alice 3\nsasl:bob 4\nserver 7\n".getBytes()));
    assertEquals("not a Postwarden limits state file", e.getMessage());
  }

  @Test
  void theFileOfAFullStoreStaysWithinTheBound() throws Exception {
    int maxKeys = 100;
    List<SavedKey> full = new ArrayList<>();
    List<SavedWindow> windows = new ArrayList<>();
    for (int w = 0; w < StateCodec.MAX_WINDOWS; w++) {
      windows.add(
          new SavedWindow(Measure.RECIPIENTS, 1000L * (w + 1), Long.MAX_VALUE, Long.MAX_VALUE, 1));
    }
    for (KeyKind kind : KeyKind.values()) {
      for (int i = 0; i <= maxKeys; i++) {
        full.add(
            new SavedKey(
                kind,
                kind == KeyKind.SERVER ? "" : "\u20ac".repeat(StateCodec.MAX_NAME_CHARS - 4) + i,
                0,
                windows));
      }
    }
    byte[] file = StateCodec.encode(0, full);
    assertTrue(
        file.length <= StateCodec.maxBytes(maxKeys),
        file.length + " > " + StateCodec.maxBytes(maxKeys));
    assertEquals(full.size(), StateCodec.decode(file).size());
  }

  @Test
  void keysBeyondTheBoundsAreNotWritten() throws Exception {
    SavedKey longName =
        new SavedKey(KeyKind.DOMAIN, "a".repeat(StateCodec.MAX_NAME_CHARS + 1), 0, List.of());
    List<SavedWindow> many = new ArrayList<>();
    for (int w = 0; w <= StateCodec.MAX_WINDOWS; w++) {
      many.add(new SavedWindow(Measure.MESSAGES, 1000L * (w + 1), 0, 0, 1));
    }
    SavedKey manyWindows = new SavedKey(KeyKind.SASL, "many", 0, many);
    assertEquals(
        KEYS,
        StateCodec.decode(StateCodec.encode(0, concat(KEYS, List.of(longName, manyWindows)))));
  }

  private static List<SavedKey> concat(List<SavedKey> a, List<SavedKey> b) {
    List<SavedKey> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
