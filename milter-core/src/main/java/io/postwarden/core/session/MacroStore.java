package io.postwarden.core.session;

import io.postwarden.core.policy.Macros;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Macros received per stage, each with its lifetime: connection and HELO macros last the session,
 * MAIL-to-EOM macros one transaction, RCPT macros one recipient. Names are stored without braces.
 *
 * <p>Postfix sends the MAIL-stage macros just before the MAIL command they belong to, so they wait
 * aside until {@link #beginTransaction()}: ending the previous transaction cannot lose them, and a
 * transaction never sees another's.
 */
final class MacroStore {

  /** Stage codes, latest first: lookups let a later stage's value win. */
  private static final String LOOKUP_ORDER = "EBNLTRMHC";

  private static final String SESSION_STAGES = "HC";
  private static final String TRANSACTION_STAGES = "MRTLNBE";

  private static final char MAIL_STAGE = 'M';

  private final Map<Character, Map<String, String>> byStage = new HashMap<>();
  private Map<String, String> nextMail = Map.of();

  void define(char stage, Map<String, String> macros) {
    Map<String, String> normalised = new LinkedHashMap<>();
    macros.forEach((name, value) -> normalised.put(bare(name), value));
    if (stage == MAIL_STAGE) {
      nextMail = normalised;
    } else {
      byStage.put(stage, normalised);
    }
  }

  /**
   * At MAIL, after the previous transaction ended: the MAIL macros that arrived for this command
   * take effect.
   */
  void beginTransaction() {
    byStage.put(MAIL_STAGE, nextMail);
    nextMail = Map.of();
  }

  /** After one RCPT: its macros must not leak into the next recipient. */
  void endRecipient() {
    byStage.remove('R');
  }

  void endTransaction() {
    for (char stage : TRANSACTION_STAGES.toCharArray()) {
      byStage.remove(stage);
    }
  }

  void endSession() {
    byStage.clear();
    nextMail = Map.of();
  }

  /** Everything currently visible. */
  Macros all() {
    return view(LOOKUP_ORDER);
  }

  /** Only connection and HELO macros. */
  Macros session() {
    return view(SESSION_STAGES);
  }

  /** Only the current transaction's MAIL-stage macros: the one place Postfix says who logged in. */
  Macros mail() {
    return view(String.valueOf(MAIL_STAGE));
  }

  private Macros view(String order) {
    return new Macros() {
      @Override
      public Optional<String> get(String name) {
        String key = bare(name);
        for (char stage : order.toCharArray()) {
          Map<String, String> macros = byStage.get(stage);
          if (macros != null && macros.containsKey(key)) {
            return Optional.of(macros.get(key));
          }
        }
        return Optional.empty();
      }

      @Override
      public Map<String, String> asMap() {
        Map<String, String> merged = new LinkedHashMap<>();
        for (int i = order.length() - 1; i >= 0; i--) {
          merged.putAll(byStage.getOrDefault(order.charAt(i), Map.of()));
        }
        return Collections.unmodifiableMap(merged);
      }

      @Override
      public String toString() {
        return asMap().toString();
      }
    };
  }

  private static String bare(String name) {
    if (name.length() > 2 && name.charAt(0) == '{' && name.charAt(name.length() - 1) == '}') {
      return name.substring(1, name.length() - 1);
    }
    return name;
  }
}
