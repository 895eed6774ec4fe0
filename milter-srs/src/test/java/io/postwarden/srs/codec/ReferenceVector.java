package io.postwarden.srs.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One line of {@code srs-vectors/reference-vectors.tsv}: one answer of one reference
 * implementation. Octet strings are decoded.
 */
record ReferenceVector(
    String implementation,
    String op,
    List<String> secrets,
    SrsSeparator separator,
    int hashLength,
    int hashMinimum,
    Instant clock,
    String input,
    boolean ok,
    String value) {

  static final String SRS_DOMAIN = "example.com";
  private static final String RESOURCE = "/srs-vectors/reference-vectors.tsv";

  static List<ReferenceVector> load() {
    InputStream stream = ReferenceVector.class.getResourceAsStream(RESOURCE);
    if (stream == null) {
      throw new IllegalStateException(
          RESOURCE + " is missing: run src/test/vectors/generate-vectors.pl");
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.US_ASCII))) {
      return reader
          .lines()
          .filter(line -> !line.startsWith("#") && !line.isBlank())
          .map(ReferenceVector::parse)
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ReferenceVector parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 10) {
      throw new IllegalArgumentException("expected 10 tab-separated fields: " + line);
    }
    List<String> secrets =
        Arrays.stream(f[2].split(",")).map(PercentEncoding::decode).collect(Collectors.toList());
    boolean ok = f[8].equals("ok");
    return new ReferenceVector(
        f[0],
        f[1],
        secrets,
        SrsSeparator.of(f[3].charAt(0)).orElseThrow(),
        Integer.parseInt(f[4]),
        Integer.parseInt(f[5]),
        Instant.parse(f[6]),
        PercentEncoding.decode(f[7]),
        ok,
        ok ? PercentEncoding.decode(f[9]) : f[9]);
  }

  SrsConfig config(HashAlphabet alphabet) {
    List<byte[]> keys =
        secrets.stream()
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1))
            .collect(Collectors.toList());
    return SrsConfig.defaults(SrsSecrets.of(keys))
        .withSeparator(separator)
        .withHashLength(hashLength, hashMinimum)
        .withAlphabet(alphabet);
  }

  @Override
  public String toString() {
    return implementation
        + " "
        + op
        + " "
        + PercentEncoding.encode(input)
        + " at "
        + clock
        + " ["
        + separator.symbol()
        + " "
        + hashLength
        + "/"
        + hashMinimum
        + " "
        + secrets.size()
        + " secret(s)]";
  }
}
