package io.postwarden.core.policy;

import java.util.Map;
import java.util.Optional;

/** The Postfix macros in force at the current stage, e.g. {@code i}, {@code {auth_authen}}. */
public interface Macros {

  /**
   * Looks a macro up by name, with or without braces: {@code "auth_authen"} and {@code
   * "{auth_authen}"} agree.
   */
  Optional<String> get(String name);

  /** Every macro visible now, braces normalised away, later stages winning. */
  Map<String, String> asMap();
}
