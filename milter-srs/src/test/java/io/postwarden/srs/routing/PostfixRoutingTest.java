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
import java.nio.file.attribute.PosixFilePermissions;
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
        staff :include:/etc/postfix/lists/staff
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
        postfix, Duration.ofSeconds(10), clock, new RoutingMetrics(registry), true);
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
    assertEquals(
        Route.LEAVES,
        routing.route("staff@test.example"),
        "an :include: list is not read here, and may send anywhere");
  }

  @Test
  void localForwardsLeftToTheirOwnCleanupDoNotCount() throws Exception {
    PostfixRouting cleanupRewrites =
        PostfixRouting.read(
            new PostfixCommands(dir),
            Duration.ofSeconds(10),
            Clock.fixed(OLD_NEWS, ZoneOffset.UTC),
            new RoutingMetrics(new SimpleMeterRegistry()),
            false);
    assertEquals(Route.LOCAL, cleanupRewrites.route("fwd@test.example"), "local(8)'s forward");
    assertEquals(Route.LEAVES, cleanupRewrites.route("info@test.example"), "a virtual alias");
    assertEquals(Route.LEAVES, cleanupRewrites.route("bob@far.example"));
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

  /** A scratch Postfix configuration with these main.cf lines (files in it are old news). */
  private static PostfixCommands postfix(Path config, String mainCf) throws Exception {
    Path file = Files.writeString(config.resolve("main.cf"), mainCf);
    Files.setLastModifiedTime(file, FileTime.from(OLD_NEWS));
    return new PostfixCommands(config);
  }

  private static Path oldFile(Path file, String content) throws Exception {
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(OLD_NEWS));
    return file;
  }

  @Test
  void domainListsMayHoldMapsFilesAndExclusions(@TempDir Path other) throws Exception {
    Path mailboxDomains = oldFile(other.resolve("vmailbox_domains"), "mapped.example OK\n");
    Path aliasDomains =
        oldFile(
            other.resolve("alias_domains"),
            "# one domain per line, or several\nfiled.example\n  second.example, third.example\n");
    PostfixRouting domains =
        read(
            postfix(
                other,
                "mydestination = !excluded.test.example, texthash:"
                    + mailboxDomains
                    + ", inline:{ { inlined.example = yes } }, $myhostname\n"
                    + "myhostname = host.test.example\n"
                    + "virtual_mailbox_domains = texthash:"
                    + mailboxDomains
                    + "\n"
                    + "virtual_alias_domains = "
                    + aliasDomains
                    + "\nalias_maps =\nvirtual_alias_maps =\nforward_path =\n"),
            new SimpleMeterRegistry(),
            Clock.fixed(OLD_NEWS, ZoneOffset.UTC));
    assertEquals(Route.LOCAL, domains.route("anyone@mapped.example"));
    assertEquals(Route.LOCAL, domains.route("anyone@MAPPED.example."), "case and trailing dot");
    assertEquals(Route.LOCAL, domains.route("anyone@inlined.example"));
    assertEquals(Route.LOCAL, domains.route("anyone@host.test.example"), "$myhostname");
    assertEquals(Route.LOCAL, domains.route("anyone@filed.example"));
    assertEquals(Route.LOCAL, domains.route("anyone@second.example"), "a continued line");
    assertEquals(Route.LOCAL, domains.route("anyone@third.example"));
    assertEquals(Route.LEAVES, domains.route("anyone@sub.mapped.example"), "names match exactly");
    assertEquals(Route.LEAVES, domains.route("anyone@excluded.test.example"));
    assertEquals(Route.LEAVES, domains.route("anyone@elsewhere.example"));
  }

  /** A passwd map (Postfix's texthash) with one user whose home is {@code home}. */
  private static PostfixRouting withUser(Path config, Path home, String mainCf) throws Exception {
    Path passwd =
        oldFile(
            config.resolve("passwd"),
            "alice alice:x:1000:1000::"
                + home
                + ":/bin/sh\n"
                + "bob bob:x:1001:1001::/nonexistent-home:/bin/sh\n");
    return PostfixRouting.read(
        postfix(
            config, "mydestination = test.example\nalias_maps =\nvirtual_alias_maps =\n" + mainCf),
        "texthash:" + passwd,
        Duration.ofSeconds(10),
        Clock.fixed(OLD_NEWS, ZoneOffset.UTC),
        new RoutingMetrics(new SimpleMeterRegistry()),
        true);
  }

  @Test
  void aForwardFileToAnotherServerMakesTheRecipientLeave(@TempDir Path other) throws Exception {
    Path home = Files.createDirectory(other.resolve("alice"));
    oldFile(home.resolve(".forward"), "# keep a copy, send one on\n\\alice, alice@far.example\n");
    PostfixRouting routing = withUser(other, home, "");
    assertEquals(Route.LEAVES, routing.route("alice@test.example"));
    assertEquals(Route.LOCAL, routing.route("carol@test.example"), "no such user: no forward file");
  }

  @Test
  void forwardFilesThatDeliverHereKeepTheRecipientLocal(@TempDir Path other) throws Exception {
    Path home = Files.createDirectory(other.resolve("alice"));
    Path list = oldFile(other.resolve("list"), "carol\ndave@test.example\n");
    Path forward =
        oldFile(
            home.resolve(".forward"),
            "\"|/usr/bin/procmail -f-\", /var/mail/alice, ~/Mail/inbox\n"
                + "carol, Carol <carol@test.example> (a comment, with a comma)\n"
                + ":include:"
                + list
                + "\n");
    assertEquals(Route.LOCAL, withUser(other, home, "").route("alice@test.example"));

    oldFile(list, "carol\nsomeone@far.example\n");
    Files.setLastModifiedTime(list, FileTime.from(OLD_NEWS.plusSeconds(60)));
    assertEquals(
        Route.LEAVES,
        withUser(other, home, "").route("alice@test.example"),
        ":include: files are followed");
    assertTrue(Files.exists(forward));
  }

  @Test
  void forwardPathIsExpandedAsLocalExpandsIt(@TempDir Path other) throws Exception {
    Path home = Files.createDirectory(other.resolve("alice"));
    oldFile(home.resolve(".forward+lists"), "lists@far.example\n");
    oldFile(home.resolve(".forward"), "\\alice\n");
    PostfixRouting routing = withUser(other, home, "recipient_delimiter = +\n");
    assertEquals(Route.LEAVES, routing.route("alice+lists@test.example"));
    assertEquals(Route.LOCAL, routing.route("alice+other@test.example"), "falls back to .forward");
    assertEquals(Route.LOCAL, routing.route("alice@test.example"));

    PostfixRouting custom =
        withUser(
            other,
            home,
            "recipient_delimiter = +\n"
                + "forward_path = $home/.forward${extension?+$extension}, /nowhere/$user\n");
    assertEquals(Route.LEAVES, custom.route("alice+lists@test.example"));
  }

  @Test
  void forwardFilesLocalWouldIgnoreAreIgnored(@TempDir Path other) throws Exception {
    Path home = Files.createDirectory(other.resolve("alice"));
    Path forward = oldFile(home.resolve(".forward"), "alice@far.example\n");
    Files.setAttribute(forward, "unix:uid", 4242);
    assertEquals(
        Route.LOCAL, withUser(other, home, "").route("alice@test.example"), "another user's file");

    Files.setAttribute(forward, "unix:uid", 1000);
    Files.setPosixFilePermissions(forward, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertEquals(
        Route.LOCAL, withUser(other, home, "").route("alice@test.example"), "world-writable");

    Files.delete(forward);
    Path secret = oldFile(other.resolve("secret"), "root@far.example\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(forward, secret);
    assertEquals(Route.LOCAL, withUser(other, home, "").route("alice@test.example"), "a link");
  }

  @Test
  void forwardFilesThatCannotBeToldMakeTheRecipientLeave(@TempDir Path other) throws Exception {
    Path home = Files.createDirectory(other.resolve("alice"));
    oldFile(home.resolve(".forward"), "alice@test.example\n".repeat(5000));
    assertEquals(
        Route.LEAVES, withUser(other, home, "").route("alice@test.example"), "larger than 64 KiB");
    assertEquals(
        Route.LEAVES,
        withUser(other, home, "").route("bob@test.example"),
        "a home directory we cannot see");
  }
}
