package io.postwarden.limits.redis;

import io.postwarden.limits.key.LimitKey;
import io.postwarden.limits.store.Charge;
import io.postwarden.limits.store.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of {@code charge.lua} for one event, and its reply read back as a {@link Charge}.
 * Pure: the round trip is the store's.
 */
final class ChargeScript {

  /** The script's text, run by its SHA1 once Redis knows it. */
  static final String SOURCE = load();

  /** A window's field in a key's hash: what it counts and over how long. */
  static String windowField(io.postwarden.limits.rule.LimitRule rule) {
    return rule.measure().label() + "/" + rule.window().toMillis();
  }

  private final List<LimitKey> keys;
  private final List<Counter> counters;
  private final Map<LimitKey, Integer> indexes = new LinkedHashMap<>();

  /**
   * @param keys the transaction's keys, whose cool-downs hold its mail; counters may name others
   *     too
   */
  ChargeScript(List<LimitKey> keys, List<Counter> counters) {
    this.keys = keys;
    this.counters = counters;
    keys.forEach(key -> indexes.putIfAbsent(key, indexes.size() + 1));
    counters.forEach(counter -> indexes.putIfAbsent(counter.key(), indexes.size() + 1));
  }

  /** The script's KEYS: one hash per limit key, named {@code prefix + key}. */
  String[] redisKeys(String prefix) {
    return indexes.keySet().stream().map(key -> prefix + key).toArray(String[]::new);
  }

  /** The script's ARGV. */
  String[] arguments(long now, long ttlSlackSeconds) {
    List<String> args = new ArrayList<>(3 + 6 * counters.size());
    args.add(Long.toString(now));
    args.add(Long.toString(ttlSlackSeconds));
    args.add(Integer.toString(counters.size()));
    for (Counter counter : counters) {
      args.add(indexes.get(counter.key()).toString());
      args.add(windowField(counter.rule()));
      args.add(Long.toString(counter.rule().count()));
      args.add(Long.toString(counter.rule().window().toMillis()));
      args.add(counter.refusable() ? "1" : "0");
      args.add(Long.toString(counter.rule().cooldown().toMillis()));
    }
    return args.toArray(String[]::new);
  }

  /**
   * The script's reply, {@code {0, COUNTER}} or {@code {1, N, N counters..., cooling key
   * indexes...}}.
   */
  Charge charge(List<Object> reply) {
    if (number(reply, 0) == 0) {
      return new Charge.Refused(counters.get(number(reply, 1) - 1));
    }
    int overCount = number(reply, 1);
    List<Counter> over = new ArrayList<>(overCount);
    for (int i = 0; i < overCount; i++) {
      over.add(counters.get(number(reply, 2 + i) - 1));
    }
    List<LimitKey> all = List.copyOf(indexes.keySet());
    List<LimitKey> cooling = new ArrayList<>();
    for (int i = 2 + overCount; i < reply.size(); i++) {
      LimitKey key = all.get(number(reply, i) - 1);
      // as the in-process store: only the transaction's own keys hold its mail
      if (keys.contains(key)) {
        cooling.add(key);
      }
    }
    return new Charge.Charged(over, cooling);
  }

  private static int number(List<Object> reply, int index) {
    return Math.toIntExact((Long) reply.get(index));
  }

  private static String load() {
    try (InputStream in = ChargeScript.class.getResourceAsStream("charge.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
