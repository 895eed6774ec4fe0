package io.postwarden.srs.routing;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** One list of Postfix maps, such as virtual_alias_maps, searched as Postfix searches it. */
interface MapLookup {

  /**
   * The value of the first of {@code keys}, in order, that any of the maps has (the first map that
   * has it).
   */
  Optional<String> first(List<String> keys) throws IOException;

  /**
   * As {@link #first}, from what is remembered only; {@link NotRemembered} when that is not enough.
   */
  Optional<String> firstRemembered(List<String> keys) throws NotRemembered;

  /** Answering would mean asking Postfix. */
  final class NotRemembered extends IOException {
    NotRemembered() {
      super("not remembered");
    }

    /** An expected outcome, not a fault: no stack trace to fill. */
    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
