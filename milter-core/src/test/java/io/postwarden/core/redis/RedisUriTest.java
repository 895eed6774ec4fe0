package io.postwarden.core.redis;

import static org.junit.jupiter.api.Assertions.*;

import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisUriTest {

  @TempDir Path dir;

  @Test
  void aPasswordInTheWorldReadableConfigurationIsRefused() {
    for (String uri :
        new String[] {
          "redis://secret@127.0.0.1:6379/0",
          "redis://user:secret@10.0.0.5",
          "rediss://:secret@redis.example:6380"
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> RedisUri.check(uri, "limits-redis"), uri);
      assertTrue(e.getMessage().contains("limits-redis-password-file"), e.getMessage());
    }
  }

  @Test
  void onlyRedisUrisAreTaken() {
    assertThrows(
        IllegalArgumentException.class, () -> RedisUri.check("127.0.0.1:6379", "limits-redis"));
    assertThrows(
        IllegalArgumentException.class,
        () -> RedisUri.check("http://127.0.0.1:6379", "limits-redis"));
    RedisUri.check("redis://127.0.0.1:6379/2", "limits-redis");
    RedisUri.check("rediss://redis.example:6380/0", "limits-redis");
    RedisUri.check("redis-socket:///run/redis/redis.sock", "limits-redis");
    RedisUri.check("", "limits-redis");
  }

  @Test
  void thePasswordComesFromAPrivateFile() throws Exception {
    Path file = dir.resolve("redis.password");
    Files.writeString(file, "s3cret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    RedisURI uri =
        RedisUri.of("redis://127.0.0.1:6379/0", "postwarden", file.toString(), "srs-store-redis");
    assertEquals("127.0.0.1", uri.getHost());
    var credentials = uri.getCredentialsProvider().resolveCredentials().block();
    assertEquals("postwarden", credentials.getUsername());
    assertArrayEquals("s3cret".toCharArray(), credentials.getPassword());
  }

  @Test
  void aPasswordFileOtherUsersCanReadIsRefused() throws Exception {
    Path file = dir.resolve("redis.password");
    Files.writeString(file, "s3cret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    IOException e =
        assertThrows(
            IOException.class,
            () -> RedisUri.of("redis://127.0.0.1", "", file.toString(), "srs-store-redis"));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    assertTrue(e.getMessage().startsWith("srs-store-redis-password-file "), e.getMessage());
  }
}
