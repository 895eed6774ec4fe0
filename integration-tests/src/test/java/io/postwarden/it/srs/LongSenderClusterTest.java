package io.postwarden.it.srs;

import static io.postwarden.it.srs.LongSenderStoreTest.LONG_SENDER;
import static io.postwarden.it.srs.LongSenderStoreTest.SHORT_SRS0;
import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.testing.RedisServer;
import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two mail servers (two Postfix, each with its own Postwarden) with one SRS secret and one Redis
 * for the long-sender store: a bounce to the address one server wrote reverses on the other, as
 * when it reaches another MX of the site.
 */
class LongSenderClusterTest {

  private static final RedisServer redis = RedisServer.start("long-sender-cluster-password");
  private static final Path shared = sharedFiles();

  /** Registered first, so stopped last: the daemons never see Redis vanish while they shut down. */
  @RegisterExtension
  @Order(0)
  static final AfterAllCallback stopRedis = context -> redis.close();

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden serverA =
      new RunningPostwarden(() -> config(LongSenderClusterTest.stackA), Modules.assembly());

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden serverB =
      new RunningPostwarden(() -> config(LongSenderClusterTest.stackB), Modules.assembly());

  @RegisterExtension
  @Order(1)
  static final MailStack stackA = LongSenderStoreTest.stack(serverA);

  @RegisterExtension
  @Order(1)
  static final MailStack stackB = LongSenderStoreTest.stack(serverB);

  private static String config(MailStack stack) {
    return LongSenderStoreTest.config(stack)
        + "secrets-file = \""
        + shared.resolve("srs.secret")
        + "\"\n"
        + "srs-store-redis = \""
        + redis.uri()
        + "\"\n"
        + "srs-store-redis-password-file = \""
        + shared.resolve("redis.password")
        + "\"\n";
  }

  private static Path sharedFiles() {
    try {
      Path dir = Files.createTempDirectory("long-sender-cluster-");
      for (var file :
          List.of(
              List.of("srs.secret", "one-secret-for-the-whole-cluster"),
              List.of("redis.password", "long-sender-cluster-password"))) {
        Path path = Files.writeString(dir.resolve(file.get(0)), file.get(1) + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aBounceToAnAddressServerAWroteReversesOnServerB() {
    String srs = LongSenderStoreTest.forwardedReturnPath(stackA);
    assertTrue(srs.matches(SHORT_SRS0), srs);
    assertEquals(List.of(LONG_SENDER), LongSenderStoreTest.bounceRecipients(stackB, srs));
    assertEquals(List.of(LONG_SENDER), LongSenderStoreTest.bounceRecipients(stackA, srs));
    assertFalse(Files.exists(serverA.srsStoreFile()), "with Redis no SQLite file is made");
  }
}
