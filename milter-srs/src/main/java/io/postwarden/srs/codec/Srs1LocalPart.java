package io.postwarden.srs.codec;

/**
 * {@code SRS1<sep><hash>=<srs0host>=<srs0rest>}: a sender rewritten by a later forwarder. It keeps
 * the first forwarder's domain and its SRS0 local part minus the {@code SRS0} tag ({@code srs0rest}
 * starts with the SRS0 separator), so bounces skip the middle hops and go straight back to the
 * first forwarder.
 */
record Srs1LocalPart(SrsSeparator separator, String hash, String srs0Host, String srs0Rest) {

  /**
   * @param localPart a local part whose {@link SrsTag} is {@link SrsTag#SRS1}
   */
  static Srs1LocalPart parse(String localPart) throws MalformedSrsException {
    String[] fields =
        SrsFields.split(SrsTag.SRS1, localPart, "hash", "SRS0 domain", "SRS0 local part");
    return new Srs1LocalPart(SrsTag.separatorOf(localPart), fields[0], fields[1], fields[2]);
  }

  static Srs1LocalPart signed(
      SrsHasher hasher, SrsSeparator separator, String srs0Host, String srs0Rest) {
    return new Srs1LocalPart(
        separator, hasher.sign(signedFields(srs0Host, srs0Rest)), srs0Host, srs0Rest);
  }

  String text() {
    return SrsTag.SRS1.prefix(separator) + SrsFields.join(hash, srs0Host, srs0Rest);
  }

  SrsHasher.Check checkHash(SrsHasher hasher) {
    return hasher.check(hash, signedFields(srs0Host, srs0Rest));
  }

  /** The fields the hash covers, in order. */
  private static String[] signedFields(String srs0Host, String srs0Rest) {
    return new String[] {srs0Host, srs0Rest};
  }

  /** The first forwarder's SRS0 address, where a bounce to this address goes next. */
  String srs0Address() {
    return SrsTag.SRS0.name() + srs0Rest + '@' + srs0Host;
  }
}
