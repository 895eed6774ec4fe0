package io.postwarden.srs.routing;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** One list of Postfix maps, such as virtual_alias_maps, searched as Postfix searches it. */
interface MapLookup {

  /** The value of the first of {@code keys}, in order, that any of the maps has (the first map that has it). */
  Optional<String> first(List<String> keys) throws IOException;
}
