package io.postwarden.srs.codec;

/**
 * {@code SRS0<sep><hash>=<stamp>=<orighost>=<origuser>}: a sender rewritten by the first forwarder.
 */
record Srs0LocalPart(
    SrsSeparator separator, String hash, DayStamp stamp, String host, String user) {

  /**
   * @param localPart a local part whose {@link SrsTag} is {@link SrsTag#SRS0}
   */
  static Srs0LocalPart parse(String localPart) throws MalformedSrsException {
    String[] fields =
        SrsFields.split(
            SrsTag.SRS0, localPart, "hash", "timestamp", "original domain", "original local part");
    DayStamp stamp =
        DayStamp.parse(fields[1])
            .orElseThrow(
                () ->
                    new MalformedSrsException(
                        "malformed SRS0 address: the timestamp is not two base32 characters"));
    return new Srs0LocalPart(SrsTag.separatorOf(localPart), fields[0], stamp, fields[2], fields[3]);
  }

  static Srs0LocalPart signed(
      SrsHasher hasher, SrsSeparator separator, DayStamp stamp, String host, String user) {
    return new Srs0LocalPart(
        separator, hasher.sign(signedFields(stamp, host, user)), stamp, host, user);
  }

  String text() {
    return SrsTag.SRS0.prefix(separator) + SrsFields.join(hash, stamp.text(), host, user);
  }

  SrsHasher.Check checkHash(SrsHasher hasher) {
    return hasher.check(hash, signedFields(stamp, host, user));
  }

  /** The fields the hash covers, in order. */
  private static String[] signedFields(DayStamp stamp, String host, String user) {
    return new String[] {stamp.text(), host, user};
  }

  String originalAddress() {
    return user + '@' + host;
  }
}
