package io.postwarden.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditModuleTest {

  @TempDir Path dir;

  private List<String> problems(String settings) throws ConfigException {
    Config config =
        Config.parse(
            settings + "\naudit-key-file = \"" + dir.resolve("audit.key") + "\"\n",
            "test",
            AuditKeys.SCHEMA);
    return new AuditModule().problems(config);
  }

  @Test
  void allowedUsersWithoutThePeerLookupAreAProblem() throws ConfigException {
    assertEquals(
        List.of(
            "guard-allow-users: needs peer-lookup = yes; without the peer lookup no local client's"
                + " Unix user is known, so these users would be refused like any other"),
        problems("guard-allow-users = { nagios }\npeer-lookup = no"));
  }

  @Test
  void allowedUsersWithThePeerLookupOrNoAllowedUsersAreFine() throws ConfigException {
    assertEquals(List.of(), problems("guard-allow-users = { nagios }\npeer-lookup = yes"));
    assertEquals(List.of(), problems("peer-lookup = no"));
  }
}
