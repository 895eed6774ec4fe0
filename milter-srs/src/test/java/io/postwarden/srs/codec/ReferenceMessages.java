package io.postwarden.srs.codec;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** What the references' error messages mean in terms of our reasons. */
final class ReferenceMessages {

  private static final Map<String, Set<ReverseFailure>> REVERSE =
      Map.ofEntries(
          // PostSRSd 1.10 (libsrs2): one message per reason.
          Map.entry("Not an SRS address.", EnumSet.of(ReverseFailure.NOT_SRS)),
          Map.entry("Hash too short in SRS address.", EnumSet.of(ReverseFailure.HASH_TOO_SHORT)),
          Map.entry("Hash invalid in SRS address.", EnumSet.of(ReverseFailure.BAD_HASH)),
          Map.entry("Time stamp out of date.", EnumSet.of(ReverseFailure.EXPIRED)),
          Map.entry("Bad base32 character in timestamp.", EnumSet.of(ReverseFailure.MALFORMED)),
          Map.entry("No timestamp in SRS0 address.", EnumSet.of(ReverseFailure.MALFORMED)),
          Map.entry("No host in SRS0 address.", EnumSet.of(ReverseFailure.MALFORMED)),
          Map.entry("No user in SRS0 address.", EnumSet.of(ReverseFailure.MALFORMED)),
          Map.entry("No host in SRS1 address.", EnumSet.of(ReverseFailure.MALFORMED)),
          // Mail::SRS checks the hash before reading the timestamp and has no "too short": a short
          // hash, a
          // missing field and an unreadable timestamp all end up as "Invalid hash".
          Map.entry(
              "Invalid hash",
              EnumSet.of(
                  ReverseFailure.BAD_HASH,
                  ReverseFailure.HASH_TOO_SHORT,
                  ReverseFailure.MALFORMED)),
          Map.entry("Invalid timestamp", EnumSet.of(ReverseFailure.EXPIRED)),
          Map.entry(
              "Reverse address does not match (?^i:^SRS0([-+=])).",
              EnumSet.of(ReverseFailure.NOT_SRS)));

  private static final Map<String, ForwardRefusal> FORWARD =
      Map.of(
          "No at sign in sender address", ForwardRefusal.MALFORMED,
          "Sender 'noat' contains no @", ForwardRefusal.MALFORMED,
          "No host in SRS1 address.", ForwardRefusal.MALFORMED);

  private ReferenceMessages() {}

  static Set<ReverseFailure> reverseFailures(String referenceMessage) {
    return require(REVERSE.get(referenceMessage), referenceMessage);
  }

  static ForwardRefusal forwardRefusal(String referenceMessage) {
    return require(FORWARD.get(referenceMessage), referenceMessage);
  }

  private static <T> T require(T meaning, String referenceMessage) {
    if (meaning == null) {
      throw new IllegalArgumentException(
          "unmapped reference message '" + referenceMessage + "': add it to ReferenceMessages");
    }
    return meaning;
  }
}
