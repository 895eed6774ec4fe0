package io.postwarden.srs.routing;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.srs.routing.RecipientRouting.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution through the real postconf and postmap, on a scratch Postfix configuration. */
class PostfixRoutingTest {

  @TempDir
  static Path dir;

  static PostfixRouting routing;

  private static void write(String name, String content) throws Exception {
    Path file = Files.writeString(dir.resolve(name), content);
    // Postfix sleeps on files modified within the last second; these are old news
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
  }

  @BeforeAll
  static void configure() throws Exception {
    write("virtual", """
        info@test.example       someone@outside.example
        team@test.example       bob@test.example, carol@test.example
        loop@test.example       loop@test.example
        deep@test.example       info@test.example
        @catchall.example       bob@test.example
        sales@hosted.example    sales@hosted.example, boss@outside.example
        """);
    // texthash has no "name:" syntax of its own (that is postalias's); keys are plain words here
    write("aliases", """
        fwd x@elsewhere.example
        pipe |/usr/bin/true
        local bob
        """);
    write("main.cf", "mydestination = test.example, localhost\n"
        + "virtual_alias_maps = texthash:" + dir.resolve("virtual") + "\n"
        + "alias_maps = texthash:" + dir.resolve("aliases") + "\n"
        + "virtual_mailbox_domains = mailbox.example\n"
        + "virtual_alias_domains = hosted.example, catchall.example\n");
    routing = PostfixRouting.read(new PostfixCommands(dir));
  }

  @Test
  void plainLocalAndRemoteRecipients() {
    assertEquals(Route.LOCAL, routing.route("bob@test.example"));
    assertEquals(Route.LOCAL, routing.route("someone@mailbox.example"));
    assertEquals(Route.LEAVES, routing.route("bob@far.example"));
  }

  @Test
  void virtualAliasesAreFollowed() {
    assertEquals(Route.LEAVES, routing.route("info@test.example"));
    assertEquals(Route.LEAVES, routing.route("deep@test.example"));
    assertEquals(Route.LOCAL, routing.route("team@test.example"));
    assertEquals(Route.LOCAL, routing.route("anyone@catchall.example"));
    assertEquals(Route.LEAVES, routing.route("sales@hosted.example"), "one copy of the alias leaves");
  }

  @Test
  void selfReferencesEndTheExpansion() {
    assertEquals(Route.LOCAL, routing.route("loop@test.example"));
  }

  @Test
  void localAliasesAreFollowed() {
    assertEquals(Route.LEAVES, routing.route("fwd@test.example"));
    assertEquals(Route.LOCAL, routing.route("pipe@test.example"));
    assertEquals(Route.LOCAL, routing.route("local@test.example"));
  }

  @Test
  void whenPostfixCannotAnswerTheRecipientCountsAsLeaving() throws Exception {
    PostfixRouting broken = PostfixRouting.read(new PostfixCommands(dir) {
      @Override
      public java.util.Optional<String> lookup(String map, String key) throws java.io.IOException {
        throw new java.io.IOException("map unavailable");
      }
    });
    assertEquals(Route.LEAVES, broken.route("bob@test.example"));
  }
}
