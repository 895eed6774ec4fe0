package io.postwarden.core.config;

import java.util.List;

/** A value as written in the file, before the key it belongs to gives it a type. */
sealed interface ConfigValue {

  /** The value for a key that takes one value; throws if the file gave a list. */
  String single();

  /** The value for a list key; a lone value counts as a one-element list, as in libconfuse. */
  List<String> items();

  /** A bare word or a quoted string: the two are interchangeable, so the quotes are not kept. */
  record Scalar(String text) implements ConfigValue {

    @Override
    public String single() {
      return text;
    }

    @Override
    public List<String> items() {
      return List.of(text);
    }
  }

  /** A brace-enclosed list of values. */
  record ListValue(List<String> items) implements ConfigValue {

    public ListValue {
      items = List.copyOf(items);
    }

    @Override
    public String single() {
      throw new IllegalArgumentException("expected a single value, got a list");
    }
  }
}
