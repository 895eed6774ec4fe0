package io.postwarden.audit.tag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.audit.tag.AuditHeader.Detail;
import io.postwarden.audit.tag.HeaderSignature.Verdict;
import io.postwarden.core.testing.TestTransaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderSignatureTest {

  static final byte[] KEY = "first-key-of-24-bytes-xx".getBytes(StandardCharsets.US_ASCII);
  static final byte[] OLD_KEY = "an-older-key-still-valid".getBytes(StandardCharsets.US_ASCII);
  static final HeaderSignature OURS = new HeaderSignature(AuditKey.of(List.of(KEY, OLD_KEY)));

  @TempDir Path dir;

  String header() {
    return new AuditHeader(Detail.MINIMAL, Optional.of(OURS))
        .value(
            "0123456789ABCDEF",
            TestTransaction.from("alice@example.org").authenticatedAs("alice"),
            AuditHeaderTest.REMOTE);
  }

  @Test
  void theSignatureIsTheLastFieldAndVerifiesAsWrittenAndFolded() {
    String value = header();

    assertTrue(value.matches("id=0123456789ABCDEF; sasl=alice; sig=[0-9A-HJKMNP-TV-Z]{16}"), value);
    assertEquals(Verdict.VALID, OURS.verify(value));
    assertEquals(
        Verdict.VALID,
        OURS.verify(" " + value.replace("; sig=", ";\r\n\tsig=")),
        "folded in transit");
  }

  @Test
  void anAlteredFieldAMadeUpHeaderOrAnotherKeyFailToVerify() {
    String value = header();

    assertEquals(Verdict.INVALID, OURS.verify(value.replace("sasl=alice", "sasl=bob")));
    assertEquals(Verdict.INVALID, OURS.verify(value.replace("id=0", "id=1")));
    assertEquals(
        Verdict.INVALID, OURS.verify(value + "; user=evil"), "a field added after the signature");
    assertEquals(
        Verdict.INVALID, OURS.verify("id=FORGEDFORGEDFORG; sasl=ceo; sig=0123456789ABCDEF"));
    HeaderSignature someoneElse =
        new HeaderSignature(AuditKey.of(List.of("another-server-s-key-xyz".getBytes())));
    assertEquals(Verdict.INVALID, someoneElse.verify(value));
    assertEquals(Verdict.UNSIGNED, OURS.verify("id=0123456789ABCDEF; sasl=alice"));
  }

  @Test
  void everyKeyInTheFileVerifiesTheFirstSigns() {
    HeaderSignature old = new HeaderSignature(AuditKey.of(List.of(OLD_KEY)));
    String signedBefore = old.signed("id=0123456789ABCDEF; user=www-shop");

    assertEquals(Verdict.VALID, OURS.verify(signedBefore));
    assertEquals(
        Verdict.INVALID, old.verify(header()), "new headers are signed with the first key");
  }

  @Test
  void theKeyFileIsCreatedPrivateAndRefusedWhenOthersCanReadIt() throws IOException {
    Path file = dir.resolve("state/audit.key");
    AuditKey created = AuditKey.openOrCreate(file);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(
        Verdict.VALID,
        new HeaderSignature(AuditKey.read(file))
            .verify(new HeaderSignature(created).signed("id=X")));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    IOException exposed = assertThrows(IOException.class, () -> AuditKey.openOrCreate(file));
    assertTrue(
        exposed.getMessage().contains("readable by every user")
            && exposed.getMessage().contains("forge audit headers")
            && exposed.getMessage().contains("chmod 600 " + file),
        exposed.getMessage());
  }

  @Test
  void aShortOrMissingKeyIsRefused() throws IOException {
    Path file =
        Files.createFile(
            dir.resolve("audit.key"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, "short\n");
    assertTrue(
        assertThrows(IOException.class, () -> AuditKey.read(file))
            .getMessage()
            .contains("key 1 is 5 bytes long, at least 16"));
    Files.writeString(file, "\n");
    assertTrue(
        assertThrows(IOException.class, () -> AuditKey.read(file))
            .getMessage()
            .contains("contains no key"));
  }
}
