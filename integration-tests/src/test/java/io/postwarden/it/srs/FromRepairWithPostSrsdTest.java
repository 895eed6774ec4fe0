package io.postwarden.it.srs;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed's setup before migrating: Postfix rewrites senders through Debian's PostSRSd 1.10
 * canonical maps, and Postwarden, sharing PostSRSd's secrets file, only repairs From:. Without it,
 * cleanup builds the missing From: from the canonicalised sender and recipients see "From:
 * SRS0=...".
 */
class FromRepairWithPostSrsdTest extends FromRepairScenarios {

  static final Path secrets = sharedSecrets();
  static final PostSrsd postsrsd = startPostSrsd();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          // hash-minimum = 4: PostSRSd still writes (and cleanup copies into From:) 4-character
          // hashes
          "secrets-file = \"" + secrets + "\"\nhash-minimum = 4\npostfix-config-dir = \"\"\n",
          Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .remoteHosts()
          .mainCf("sender_canonical_maps", postsrsd.forwardMap())
          .mainCf("recipient_canonical_maps", postsrsd.reverseMap())
          .mainCf("recipient_canonical_classes", "envelope_recipient, header_recipient")
          .build();

  private static Path sharedSecrets() {
    try {
      Path file = Files.createTempFile("postsrsd", ".secret");
      Files.writeString(file, "postsrsd-era-secret\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PostSrsd startPostSrsd() {
    try {
      return new PostSrsd(secrets, "srs.test.example", "test.example");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stopPostSrsd() throws IOException {
    postsrsd.close();
    Files.deleteIfExists(secrets);
  }

  @Override
  MailStack stack() {
    return stack;
  }
}
