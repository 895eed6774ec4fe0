package io.postwarden.srs.routing;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.postfix.PostfixCommands;
import io.postwarden.core.testing.MutableClock;
import io.postwarden.srs.routing.RecipientRouting.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution through the real postconf and postmap, on a scratch Postfix configuration. */
class PostfixRoutingTest {

  /** A modification time long past, whatever today is. */
  private static final Instant OLD_NEWS = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir static Path dir;

  static PostfixRouting routing;

  private static void write(String name, String content) throws Exception {
    Path file = Files.writeString(dir.resolve(name), content);
    // Postfix sleeps on files modified within the last second; these are old news
    Files.setLastModifiedTime(file, FileTime.from(OLD_NEWS));
  }

  @BeforeAll
  static void configure() throws Exception {
    write(
        "virtual",
        """
        info@test.example       someone@outside.example
        team@test.example       bob@test.example, carol@test.example
        loop@test.example       loop@test.example
        deep@test.example       info@test.example
        @catchall.example       bob@test.example
        sales@hosted.example    sales@hosted.example, boss@outside.example
        """);
    // texthash has no "name:" syntax of its own (that is postalias's); keys are plain words here
    write(
        "aliases",
        """
        fwd x@elsewhere.example
        pipe |/usr/bin/true
        local bob
        """);
    write(
        "main.cf",
        "mydestination = test.example, localhost\n"
            + "virtual_alias_maps = texthash:"
            + dir.resolve("virtual")
            + "\n"
            + "alias_maps = texthash:"
            + dir.resolve("aliases")
            + "\n"
            + "virtual_mailbox_domains = mailbox.example\n"
            + "virtual_alias_domains = hosted.example, catchall.example\n");
    routing =
        read(
            new PostfixCommands(dir),
            new SimpleMeterRegistry(),
            Clock.fixed(OLD_NEWS, ZoneOffset.UTC));
  }

  private static PostfixRouting read(PostfixCommands postfix, MeterRegistry registry, Clock clock)
      throws Exception {
    return PostfixRouting.read(
        postfix, Duration.ofSeconds(10), clock, new RoutingMetrics(registry));
  }

  private static double lookups(MeterRegistry registry, String answer) {
    return registry.get("postwarden.srs.routing.lookups").tag("answer", answer).counter().count();
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
    assertEquals(
        Route.LEAVES, routing.route("sales@hosted.example"), "one copy of the alias leaves");
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
    PostfixRouting broken =
        read(
            new PostfixCommands(dir) {
              @Override
              public Map<String, String> query(List<String> maps, Collection<String> keys)
                  throws IOException {
                throw new IOException("map unavailable");
              }
            },
            new SimpleMeterRegistry(),
            Clock.fixed(OLD_NEWS, ZoneOffset.UTC));
    assertEquals(Route.LEAVES, broken.route("bob@test.example"));
  }

  @Test
  void aMapPostfixCannotOpenMakesTheRecipientLeave(@TempDir Path other) throws Exception {
    // postmap exits 1 both for "not found" and for a fatal error: the error must not read as "no
    // alias"
    Files.writeString(
        other.resolve("main.cf"),
        "mydestination = test.example\n"
            + "virtual_alias_maps = hash:"
            + other.resolve("missing")
            + "\nalias_maps =\n");
    MeterRegistry registry = new SimpleMeterRegistry();
    PostfixRouting missing =
        read(new PostfixCommands(other), registry, Clock.fixed(OLD_NEWS, ZoneOffset.UTC));
    assertEquals(Route.LEAVES, missing.route("bob@test.example"));
    assertEquals(1, lookups(registry, "failed"));
  }

  @Test
  void answersAreRememberedUntilTheMapFileChanges(@TempDir Path other) throws Exception {
    Path virtual = other.resolve("virtual");
    Files.writeString(virtual, "fwd@test.example dest@far.example\n");
    Files.setLastModifiedTime(virtual, FileTime.from(OLD_NEWS));
    Files.writeString(
        other.resolve("main.cf"),
        "mydestination = test.example\n"
            + "virtual_alias_maps = texthash:"
            + virtual
            + "\nalias_maps =\n");
    MeterRegistry registry = new SimpleMeterRegistry();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
    PostfixRouting cached = read(new PostfixCommands(other), registry, clock);

    assertEquals(Route.LEAVES, cached.route("fwd@test.example"));
    double asked = lookups(registry, "asked");
    assertEquals(Route.LEAVES, cached.route("fwd@test.example"));
    assertEquals(asked, lookups(registry, "asked"), "the second message runs no postmap");

    Files.writeString(virtual, "fwd@test.example bob@test.example\n");
    Files.setLastModifiedTime(virtual, FileTime.from(OLD_NEWS.plusSeconds(30)));
    assertEquals(
        Route.LEAVES, cached.route("fwd@test.example"), "the file is looked at once a second");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Route.LOCAL, cached.route("fwd@test.example"), "the changed alias is read");
  }
}
