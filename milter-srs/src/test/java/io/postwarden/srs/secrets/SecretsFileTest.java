package io.postwarden.srs.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.postwarden.srs.codec.SrsSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsFileTest {

  @TempDir Path directory;

  private static byte[] bytes(String octets) {
    return octets.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static List<String> parsed(String content) {
    return SecretsFile.parse(bytes(content)).stream()
        .map(secret -> new String(secret, StandardCharsets.ISO_8859_1))
        .toList();
  }

  @Test
  void oneSecretPerLineWithCrLfStrippedAndEmptyLinesSkipped() {
    assertEquals(List.of("first", "second", "third"), parsed("first\r\n\r\n\nsecond\nthird"));
  }

  @Test
  void spacesTabsAndHashesBelongToTheSecret() {
    assertEquals(
        List.of(" spaced out\t", "# not a comment"), parsed(" spaced out\t\n# not a comment\n"));
  }

  @Test
  void aSecretIsTheFirstRunWithoutCrOrLfAndEndsAtNulLikePostSrsdsStrtok() {
    assertEquals(List.of("leading", "ab", "x"), parsed("\rleading\nab\rcd\nx\0y\n\0ignored\n"));
  }

  @Test
  void eightBitSecretsAreKeptAsBytes() throws IOException {
    byte[] content = {(byte) 0xE9, (byte) 0xFF, '\n'};
    assertArrayEquals(new byte[] {(byte) 0xE9, (byte) 0xFF}, SecretsFile.parse(content).get(0));
    SrsSecrets secrets = SecretsFile.read(Files.write(directory.resolve("secrets"), content));
    assertEquals(1, secrets.count());
  }

  @Test
  void aFileWithoutSecretsIsAnError() throws IOException {
    Path file = Files.write(directory.resolve("empty"), bytes("\r\n\n"));
    IOException error = assertThrows(IOException.class, () -> SecretsFile.read(file));
    assertTrue(error.getMessage().contains("contains no secret"), error.getMessage());
  }

  @Test
  void aMissingFileNamesThePath() {
    Path file = directory.resolve("missing");
    IOException error = assertThrows(IOException.class, () -> SecretsFile.read(file));
    assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
  }
}
