package io.postwarden.audit.forensics;

import static io.postwarden.audit.forensics.WrittenLog.php;
import static io.postwarden.audit.forensics.WrittenLog.sendmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.postwarden.audit.forensics.RecordGroups.Sites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit top --by}: a rotated log the real writer wrote, ranked by site, Unix user, SASL
 * login and envelope sender.
 */
class TopGroupsTest {

  static final List<String> ROOTS =
      List.of("/home/virtual/*", "/var/www/vhosts/*", "/home/*", "/var/www/*", "/srv/www/*");

  @TempDir Path dir;

  Path log;
  Sites sites;

  @BeforeEach
  void writeLog() throws IOException {
    Path passwd =
        Files.writeString(
            dir.resolve("passwd"),
            """
            root:x:0:0:root:/root:/bin/bash
            www-shop:x:1001:1001::/home/www-shop:/usr/sbin/nologin
            www-blog:x:1002:1002::/home/www-blog:/usr/sbin/nologin
            cron:x:1003:1003::/var/spool/cron:/usr/sbin/nologin
            """);
    sites = new Sites(SiteRoots.of(ROOTS), Sites.homes(passwd));
    log = dir.resolve("audit.log");
    try (WrittenLog written = new WrittenLog(log)) {
      written.accept(
          "2026-11-01T10:00:00Z", "1A", php("www-shop", 1001), "shop@shop.example", "a@x.example");
      written.refuse(
          "2026-11-01T10:01:00Z",
          php("www-shop", 1001, "/home/www-shop/public_html/wp-content/uploads"),
          "Spam@Shop.example",
          "b@x.example");
      written.rotate();
      // ApisCP: the pool runs as apache, the site is in the path
      written.accept(
          "2026-11-02T10:00:00Z",
          "2B",
          php("apache", 48, "/home/virtual/site12/fst/var/www/html"),
          "info@site12.example",
          "c@x.example",
          "d@x.example");
      // mail(): no process, the submitter's home names the site
      written.accept(
          "2026-11-02T11:00:00Z",
          "3C",
          sendmail("www-blog", 1002),
          "blog@blog.example",
          "e@x.example");
      // a worker whose working directory is no site: its user's home still is
      written.accept("2026-11-02T12:00:00Z", "4D", php("www-blog", 1002, "/"), "", "f@x.example");
      written.accept(
          "2026-11-02T13:00:00Z", "5E", sendmail("cron", 1003), "root@host.example", "g@x.example");
      written.acceptSasl(
          "2026-11-02T14:00:00Z", "6F", "alice", "alice@test.example", "h@x.example");
    }
  }

  List<String> top(RecordGroups by) throws IOException {
    TopSenders top = new TopSenders(by.groupOf(sites));
    AuditLogReader.of(log).read(new RecordQuery(), top);
    return top.top(10).stream()
        .map(t -> t.sender() + " " + t.messages() + " " + t.recipients() + " " + t.refused())
        .toList();
  }

  @Test
  void bySiteFromTheWorkingDirectoryElseTheUsersHome() throws IOException {
    assertEquals(
        List.of("- 2 2 0", "www-blog 2 2 0", "www-shop 2 2 1", "site12 1 2 0"),
        top(RecordGroups.SITE));
  }

  @Test
  void byUserSaslAndEnvelopeSender() throws IOException {
    assertEquals(
        List.of("www-blog 2 2 0", "www-shop 2 2 1", "apache 1 2 0", "- 1 1 0", "cron 1 1 0"),
        top(RecordGroups.USER));
    assertEquals(List.of("- 6 7 1", "alice 1 1 0"), top(RecordGroups.SASL));
    assertEquals(
        List.of(
            "info@site12.example 1 2 0",
            "<> 1 1 0",
            "alice@test.example 1 1 0",
            "blog@blog.example 1 1 0",
            "root@host.example 1 1 0",
            "shop@shop.example 1 1 0",
            "spam@shop.example 1 1 1"),
        top(RecordGroups.SENDER),
        "lower case, the null sender as <>");
    assertEquals("unix:www-shop 2 2 1", top(RecordGroups.KEY).get(1));
  }

  @Test
  void siteRootsMatchWholeLeadingSegments() {
    SiteRoots roots = SiteRoots.of(List.of("/home/*/domains/*", "/home/*"));

    assertEquals(
        "ann/shop.example", roots.siteOf("/home/ann/domains/shop.example/public_html").get());
    assertEquals("ann", roots.siteOf("/home//ann/").get());
    assertEquals(
        "ann", roots.siteOf("/home/ann/domains").get(), "too short for the first, the second fits");
    assertEquals(java.util.Optional.empty(), roots.siteOf("/home"));
    assertEquals(java.util.Optional.empty(), roots.siteOf("/homes/ann"));
    assertEquals(java.util.Optional.empty(), roots.siteOf("relative/home/ann"));
    for (String bad : List.of("home/*", "/home/ann", "/home/www-*")) {
      assertThrows(IllegalArgumentException.class, () -> SiteRoots.validate(bad), bad);
    }
  }

  @Test
  void homesReadFromThePasswdFile() {
    assertEquals(
        Map.of(
            "root", "/root",
            "www-shop", "/home/www-shop",
            "www-blog", "/home/www-blog",
            "cron", "/var/spool/cron"),
        Sites.homes(dir.resolve("passwd")));
    assertEquals(Map.of(), Sites.homes(dir.resolve("missing")));
  }
}
