package io.postwarden.srs.secrets;

import io.postwarden.srs.codec.SrsSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a PostSRSd secrets file, so an existing installation keeps verifying the addresses it
 * already handed out.
 *
 * <p>PostSRSd reads each line with {@code fgets} and takes {@code strtok(line, "\r\n")}: the secret
 * is the first run of bytes that are neither CR nor LF, and ends early at a NUL byte (C strings).
 * Lines with no such run are skipped. There are no comments and no trimming: spaces and tabs belong
 * to the secret.
 */
public final class SecretsFile {

  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final byte NUL = 0;

  private SecretsFile() {}

  /**
   * @throws IOException if the file cannot be read or holds no secret at all
   */
  public static SrsSecrets read(Path path) throws IOException {
    return read(path, 1);
  }

  /**
   * @throws IOException also if a secret is shorter than {@code minimumBytes}: the message names it
   *     and the file
   */
  public static SrsSecrets read(Path path, int minimumBytes) throws IOException {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new IOException("cannot read SRS secrets file " + path + ": " + e, e);
    }
    List<byte[]> secrets = parse(content);
    if (secrets.isEmpty()) {
      throw new IOException(
          "SRS secrets file "
              + path
              + " contains no secret; put one secret per line, the first one signs new addresses");
    }
    for (int i = 0; i < secrets.size(); i++) {
      int length = secrets.get(i).length;
      if (length < minimumBytes) {
        throw new IOException(
            "SRS secrets file "
                + path
                + ": secret "
                + (i + 1)
                + " of "
                + secrets.size()
                + " is "
                + length
                + (length == 1 ? " byte" : " bytes")
                + " long, at least "
                + minimumBytes
                + " are needed");
      }
    }
    return SrsSecrets.of(secrets);
  }

  static List<byte[]> parse(byte[] content) {
    List<byte[]> secrets = new ArrayList<>();
    int lineStart = 0;
    while (lineStart < content.length) {
      int lineEnd = indexOf(content, LF, lineStart, content.length);
      int stringEnd = indexOf(content, NUL, lineStart, lineEnd);
      int secretStart = lineStart;
      while (secretStart < stringEnd && content[secretStart] == CR) {
        secretStart++;
      }
      int secretEnd = indexOf(content, CR, secretStart, stringEnd);
      if (secretEnd > secretStart) {
        secrets.add(Arrays.copyOfRange(content, secretStart, secretEnd));
      }
      lineStart = lineEnd + 1;
    }
    return secrets;
  }

  /** Index of the first {@code wanted} in {@code [from, to)}, or {@code to} if there is none. */
  private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return to;
  }
}
