package io.postwarden.srs.policy;

import java.util.Locale;

/**
 * An envelope address read the way Postfix reads it before routing and queueing: comments,
 * whitespace, angle brackets and a source route dropped, a quoted local part unquoted, trailing
 * dots cut from the domain. Judging the raw RCPT text instead would let {@code
 * "SRS0=..."@srs.example} or {@code SRS0=...@srs.example.} pass unchecked, while Postfix delivers
 * it as the plain address. Case is kept (the original sender's local part may need it). Pure.
 */
final class PostfixAddress {

  private PostfixAddress() {}

  /** The address Postfix uses for {@code raw} (as given in RCPT TO or in the {rcpt_addr} macro). */
  static String normalise(String raw) {
    String bare = withoutRoute(tokens(raw));
    int at = lastUnquoted(bare, '@');
    String localPart = unquoted(at < 0 ? bare : bare.substring(0, at));
    return at < 0 ? localPart : localPart + '@' + withoutTrailingDots(bare.substring(at + 1));
  }

  /**
   * Whether {@code domain} is {@code srsDomain} or one of its subdomains (ASCII case, trailing dots
   * ignored).
   */
  static boolean inDomain(String domain, String srsDomain) {
    String candidate = withoutTrailingDots(domain).toLowerCase(Locale.ROOT);
    String ours = withoutTrailingDots(srsDomain).toLowerCase(Locale.ROOT);
    return candidate.equals(ours) || candidate.endsWith("." + ours);
  }

  /**
   * Drops comments, unquoted whitespace and angle brackets; quoted strings are kept with their
   * quotes.
   */
  private static String tokens(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    boolean quoted = false;
    int commentDepth = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length() && (quoted || commentDepth > 0)) {
        if (quoted) {
          out.append(c).append(raw.charAt(i + 1));
        }
        i++;
      } else if (commentDepth > 0) {
        commentDepth += c == '(' ? 1 : c == ')' ? -1 : 0;
      } else if (c == '"') {
        quoted = !quoted;
        out.append(c);
      } else if (quoted) {
        out.append(c);
      } else if (c == '(') {
        commentDepth = 1;
      } else if (!Character.isWhitespace(c) && c != '<' && c != '>') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * {@code @a,@b:user@dom} is delivered to {@code user@dom} (RFC 5321 says to ignore the route).
   */
  private static String withoutRoute(String address) {
    if (!address.startsWith("@")) {
      return address;
    }
    int colon = address.indexOf(':');
    return colon < 0 ? address : address.substring(colon + 1);
  }

  private static int lastUnquoted(String text, char wanted) {
    int found = -1;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == wanted && !quoted) {
        found = i;
      }
    }
    return found;
  }

  private static String unquoted(String localPart) {
    if (localPart.indexOf('"') < 0) {
      return localPart;
    }
    StringBuilder out = new StringBuilder(localPart.length());
    boolean quoted = false;
    for (int i = 0; i < localPart.length(); i++) {
      char c = localPart.charAt(i);
      if (c == '\\' && quoted && i + 1 < localPart.length()) {
        out.append(localPart.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String withoutTrailingDots(String domain) {
    int end = domain.length();
    while (end > 0 && domain.charAt(end - 1) == '.') {
      end--;
    }
    return domain.substring(0, end);
  }
}
