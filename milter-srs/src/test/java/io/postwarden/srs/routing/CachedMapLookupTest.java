package io.postwarden.srs.routing;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which answers are reused and which are asked again; postmap itself is {@link
 * PostfixRoutingTest}'s.
 */
class CachedMapLookupTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
  private final Map<String, String> contents =
      new HashMap<>(Map.of("a@x.example", "far@y.example"));
  private final List<List<String>> asked = new ArrayList<>();

  private CachedMapLookup lookup(List<String> maps, Duration keepUnfiled) {
    return new CachedMapLookup(
        maps,
        keys -> {
          asked.add(List.copyOf(keys));
          Map<String, String> found = new HashMap<>();
          keys.stream()
              .filter(contents::containsKey)
              .forEach(key -> found.put(key, contents.get(key)));
          return found;
        },
        keepUnfiled,
        clock,
        new RoutingMetrics(new SimpleMeterRegistry()));
  }

  @Test
  void unknownKeysAreAskedTogetherAndTheFirstInOrderAnswers(@TempDir Path dir) throws IOException {
    contents.put("@x.example", "catchall@y.example");
    CachedMapLookup maps =
        lookup(List.of("texthash:" + Files.createFile(dir.resolve("virtual"))), Duration.ZERO);
    assertEquals(
        Optional.of("far@y.example"), maps.first(List.of("a@x.example", "a", "@x.example")));
    assertEquals(
        Optional.of("catchall@y.example"), maps.first(List.of("b@x.example", "b", "@x.example")));
    assertEquals(
        List.of(List.of("a@x.example", "a", "@x.example"), List.of("b@x.example", "b")),
        asked,
        "one query per message, none for what is known");
  }

  @Test
  void fileMapsAreAskedAgainOnlyAfterTheirFileChanged(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("virtual"), "version 1");
    CachedMapLookup maps = lookup(List.of("proxy:texthash:" + file), Duration.ZERO);
    maps.first(List.of("a@x.example"));
    clock.advance(Duration.ofSeconds(3600));
    maps.first(List.of("a@x.example"));
    assertEquals(1, asked.size(), "an unchanged file's answers are kept however long");

    Files.writeString(file, "version 2, longer");
    contents.put("a@x.example", "changed@y.example");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Optional.of("changed@y.example"), maps.first(List.of("a@x.example")));
    assertEquals(2, asked.size());
  }

  @Test
  void mapsWithoutAFileAreAskedAgainAfterTheKeepTime(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve("virtual"));
    CachedMapLookup maps =
        lookup(List.of("hash:" + file, "mysql:/etc/postfix/virtual.cf"), Duration.ofSeconds(10));
    maps.first(List.of("a@x.example"));
    clock.advance(Duration.ofSeconds(9));
    maps.first(List.of("a@x.example"));
    assertEquals(1, asked.size());
    clock.advance(Duration.ofSeconds(1));
    maps.first(List.of("a@x.example"));
    assertEquals(2, asked.size());
  }

  @Test
  void aZeroKeepTimeAsksMapsWithoutAFileEveryTime() throws IOException {
    CachedMapLookup maps = lookup(List.of("ldap:/etc/postfix/ldap.cf"), Duration.ZERO);
    assertEquals(Optional.of("far@y.example"), maps.first(List.of("a@x.example")));
    assertEquals(Optional.of("far@y.example"), maps.first(List.of("a@x.example")));
    assertEquals(2, asked.size());
  }

  @Test
  void aFailedQueryIsNotRemembered() throws IOException {
    List<String> failing = new ArrayList<>(List.of("first"));
    CachedMapLookup maps =
        new CachedMapLookup(
            List.of("inline:{a@x.example=far@y.example}"),
            keys -> {
              if (!failing.isEmpty()) {
                failing.clear();
                throw new IOException("map unavailable");
              }
              return Map.of("a@x.example", "far@y.example");
            },
            Duration.ZERO,
            clock,
            new RoutingMetrics(new SimpleMeterRegistry()));
    assertThrows(IOException.class, () -> maps.first(List.of("a@x.example")));
    assertEquals(Optional.of("far@y.example"), maps.first(List.of("a@x.example")));
  }

  @Test
  void theFilesBehindEachMapType() {
    assertEquals(
        Optional.of(List.of(Path.of("/etc/postfix/virtual.db"))),
        MapFiles.of("hash:/etc/postfix/virtual"));
    assertEquals(
        Optional.of(List.of(Path.of("/etc/postfix/virtual.lmdb"))),
        MapFiles.of("proxy:lmdb:/etc/postfix/virtual"));
    assertEquals(
        Optional.of(List.of(Path.of("/etc/postfix/virtual.re"))),
        MapFiles.of("regexp:/etc/postfix/virtual.re"));
    assertEquals(Optional.of(List.of()), MapFiles.of("inline:{a=b}"));
    assertEquals(
        Optional.empty(),
        MapFiles.of("mysql:/etc/postfix/virtual.cf"),
        "the data is not in that file");
    assertEquals(Optional.empty(), MapFiles.of("hash:relative/virtual"));
  }
}
