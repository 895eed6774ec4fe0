package io.postwarden.srs.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A list of Postfix maps asked through postmap, with its answers remembered: a process start costs
 * milliseconds of CPU, and the same recipients come back message after message. Keys not yet known
 * are asked together, in one postmap run. Answers are kept until a file behind one of the maps
 * changes (checked at most once per {@link #CHECK_FILES_EVERY}, as Postfix's own daemons notice a
 * rebuilt map only after their current request), or, for maps with no such file (SQL, LDAP, tcp …),
 * for {@code keepUnfiled} at most. At most {@link #MAX_ANSWERS} keys are remembered; past that the
 * memory starts over.
 */
final class CachedMapLookup implements MapLookup {

  static final Duration CHECK_FILES_EVERY = Duration.ofSeconds(1);
  static final int MAX_ANSWERS = 10_000;

  /** Asks Postfix: the values the maps give for these keys, absent where none has one. */
  @FunctionalInterface
  interface Query {
    Map<String, String> ask(List<String> keys) throws IOException;
  }

  private record Answer(Optional<String> value, long generation, long askedMillis) {}

  private final Query query;
  private final List<Path> files;
  private final Duration keep;
  private final Clock clock;
  private final RoutingMetrics metrics;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private volatile long generation;
  private volatile long nextCheckMillis;
  private List<Object> versions;

  /**
   * @param maps the map specs ("hash:/etc/postfix/virtual"), to find the files behind them
   * @param keepUnfiled how long answers may be kept when a map has no file to watch; zero: never
   */
  CachedMapLookup(
      List<String> maps, Query query, Duration keepUnfiled, Clock clock, RoutingMetrics metrics) {
    this.query = query;
    List<Path> watched = new ArrayList<>();
    boolean unfiled = false;
    for (String map : maps) {
      Optional<List<Path>> behind = MapFiles.of(map);
      behind.ifPresent(watched::addAll);
      unfiled |= behind.isEmpty();
    }
    this.files = List.copyOf(watched);
    this.keep = unfiled ? keepUnfiled : null;
    this.clock = clock;
    this.metrics = metrics;
    this.versions = versions();
    this.nextCheckMillis = clock.millis() + CHECK_FILES_EVERY.toMillis();
  }

  @Override
  public Optional<String> first(List<String> keys) throws IOException {
    forgetChanged();
    long now = clock.millis();
    long asking = generation;
    Map<String, Optional<String>> known = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String key : keys) {
      Answer answer = answers.get(key);
      if (answer == null || answer.generation() != asking || expired(answer, now)) {
        unknown.add(key);
      } else {
        known.put(key, answer.value());
      }
    }
    if (unknown.isEmpty()) {
      metrics.remembered();
    } else {
      Map<String, String> asked;
      try {
        asked = query.ask(unknown);
      } catch (IOException e) {
        metrics.failed();
        throw e;
      }
      metrics.asked();
      unknown.forEach(key -> known.put(key, Optional.ofNullable(asked.get(key))));
      remember(unknown, known, asking, now);
    }
    return keys.stream().map(known::get).flatMap(Optional::stream).findFirst();
  }

  @Override
  public Optional<String> firstRemembered(List<String> keys) throws NotRemembered {
    forgetChanged();
    long now = clock.millis();
    long current = generation;
    for (String key : keys) {
      Answer answer = answers.get(key);
      if (answer == null || answer.generation() != current || expired(answer, now)) {
        throw new NotRemembered();
      }
      if (answer.value().isPresent()) {
        metrics.remembered();
        return answer.value();
      }
    }
    metrics.remembered();
    return Optional.empty();
  }

  private boolean expired(Answer answer, long now) {
    return keep != null && now - answer.askedMillis() >= keep.toMillis();
  }

  /** An answer asked before the files changed is not kept: it may be the old contents' answer. */
  private void remember(
      List<String> keys, Map<String, Optional<String>> values, long asking, long now) {
    if (keep != null && keep.isZero()) {
      return;
    }
    if (answers.size() + keys.size() > MAX_ANSWERS) {
      answers.clear();
    }
    for (String key : keys) {
      if (generation == asking) {
        answers.put(key, new Answer(values.get(key), asking, now));
      }
    }
  }

  private void forgetChanged() {
    if (files.isEmpty() || clock.millis() < nextCheckMillis) {
      return;
    }
    synchronized (this) {
      long now = clock.millis();
      if (now < nextCheckMillis) {
        return;
      }
      nextCheckMillis = now + CHECK_FILES_EVERY.toMillis();
      List<Object> current = versions();
      if (!current.equals(versions)) {
        versions = current;
        generation++;
        answers.clear();
      }
    }
  }

  /** Modification time, size and inode of each file; a missing file is a version too. */
  private List<Object> versions() {
    List<Object> current = new ArrayList<>(files.size());
    for (Path file : files) {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        current.add(
            List.of(
                attributes.lastModifiedTime(),
                attributes.size(),
                String.valueOf(attributes.fileKey())));
      } catch (NoSuchFileException e) {
        current.add("missing");
      } catch (IOException e) {
        current.add("unreadable " + e.getMessage());
      }
    }
    return current;
  }
}
