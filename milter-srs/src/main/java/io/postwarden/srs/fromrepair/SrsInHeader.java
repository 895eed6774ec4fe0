package io.postwarden.srs.fromrepair;

import io.postwarden.srs.codec.ReverseFailure;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.longsender.LongSenders;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds SRS addresses inside a header value and replaces those that verify with our secrets by the
 * address they encode, leaving every other character (display name, comments, folding) as it was.
 * Pure.
 */
final class SrsInHeader {

  /**
   * An addr-spec whose local part starts with an SRS tag; stops at the characters that end an
   * address.
   */
  private static final Pattern SRS_ADDRESS =
      Pattern.compile("(?i)SRS[01][=+-][^\\s<>()\",;:@\\[\\]]+@[A-Za-z0-9.-]+");

  private static final Pattern LINE_END = Pattern.compile("\r\n?|\n");
  private static final Pattern FOLD = Pattern.compile("[\r\n]+[ \t]*");

  private SrsInHeader() {}

  /**
   * Folded lines joined by a bare LF, as Postfix hands header values to milters and stores them: a
   * CRLF passed back would reach the queue file as a CR inside the line.
   */
  static String withPostfixLineEnds(String value) {
    return LINE_END.matcher(value).replaceAll("\n");
  }

  /** The value on one line, for the log. */
  static String unfolded(String value) {
    return FOLD.matcher(value.trim()).replaceAll(" ");
  }

  /** Whether the address is tagged SRS0/SRS1, verifiable or not. */
  static boolean isSrs(String address, SrsCodec codec) {
    return !(codec.reverse(address) instanceof ReverseResult.Rejected rejected
        && rejected.reason() == ReverseFailure.NOT_SRS);
  }

  /** The value with each verifiable SRS address decoded; the same string when there is none. */
  static String decoded(String value, SrsCodec codec) {
    Matcher matcher = SRS_ADDRESS.matcher(value);
    StringBuilder out = new StringBuilder(value.length());
    boolean changed = false;
    while (matcher.find()) {
      String original = original(matcher.group(), codec);
      changed |= !original.equals(matcher.group());
      matcher.appendReplacement(out, Matcher.quoteReplacement(original));
    }
    if (!changed) {
      return value;
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /**
   * Follows SRS1 to SRS0 to the first sender, as far as our secrets verify each step (an SRS1 we
   * signed may wrap another forwarder's SRS0, which we cannot decode and leave as it is). A stored
   * long sender's address (ADR 0023) is left as it is too: only the store knows its sender, and a
   * header is not worth a lookup.
   */
  static String original(String address, SrsCodec codec) {
    String current = address;
    for (int hops = 0; hops < 2; hops++) {
      if (!(codec.reverse(current) instanceof ReverseResult.Reversed reversed)
          || LongSenders.isStoreKey(reversed.address())) {
        break;
      }
      current = reversed.address();
    }
    return current;
  }
}
