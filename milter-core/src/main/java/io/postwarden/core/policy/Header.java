package io.postwarden.core.policy;

/**
 * One message header as Postfix sent it. Name and value are octet strings (one char per byte,
 * ISO-8859-1), so 8-bit bytes survive untouched; the value keeps its folding and leading white
 * space.
 */
public record Header(String name, String value) {

  public boolean is(String headerName) {
    return name.equalsIgnoreCase(headerName);
  }
}
