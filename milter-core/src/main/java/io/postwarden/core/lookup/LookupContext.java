package io.postwarden.core.lookup;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one client connection remembers between its requests. A Postfix process shares one socketmap
 * connection per endpoint for all its tables and asks one question at a time, for one SMTP client
 * at a time, so a table may note something for a later lookup of the same connection (the SMTP
 * client a later lookup is about). Not thread-safe: a connection's requests run one after another.
 */
public final class LookupContext {

  private final Map<Class<?>, Object> notes = new HashMap<>();

  public <T> void note(Class<T> type, T value) {
    notes.put(type, value);
  }

  public <T> Optional<T> noted(Class<T> type) {
    return Optional.ofNullable(type.cast(notes.get(type)));
  }
}
