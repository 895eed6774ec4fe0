package io.postwarden.deploy.doctor;

import io.postwarden.core.server.Endpoint;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Postfix milter list ({@code smtpd_milters}, {@code non_smtpd_milters}): names separated by
 * commas or spaces, each optionally wrapped with per-milter settings, {@code { inet:127.0.0.1:8895,
 * default_action=accept }}.
 */
final class PostfixMilters {

  /** One milter of the list with its per-milter settings (connect_timeout, default_action, ...). */
  record Milter(String name, Map<String, String> settings) {

    @Override
    public String toString() {
      return name;
    }
  }

  private PostfixMilters() {}

  static List<Milter> parse(String value) {
    List<Milter> milters = new ArrayList<>();
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == ',' || Character.isWhitespace(c)) {
        i++;
      } else if (c == '{') {
        int end = value.indexOf('}', i);
        end = end < 0 ? value.length() : end;
        List<String> parts = new ArrayList<>();
        for (String part : value.substring(i + 1, end).split("[,\\s]+")) {
          if (!part.isEmpty()) {
            parts.add(part);
          }
        }
        if (!parts.isEmpty()) {
          Map<String, String> settings = new LinkedHashMap<>();
          for (String setting : parts.subList(1, parts.size())) {
            int equals = setting.indexOf('=');
            if (equals > 0) {
              settings.put(
                  setting.substring(0, equals).trim(), setting.substring(equals + 1).trim());
            }
          }
          milters.add(new Milter(parts.get(0), settings));
        }
        i = end + 1;
      } else {
        int end = i;
        while (end < value.length()
            && value.charAt(end) != ','
            && !Character.isWhitespace(value.charAt(end))) {
          end++;
        }
        milters.add(new Milter(value.substring(i, end), Map.of()));
        i = end;
      }
    }
    return milters;
  }

  /** The milter as written in main.cf, per-milter settings included. */
  static String render(Milter milter) {
    if (milter.settings().isEmpty()) {
      return milter.name();
    }
    StringBuilder text = new StringBuilder("{ ").append(milter.name());
    milter
        .settings()
        .forEach((name, value) -> text.append(", ").append(name).append('=').append(value));
    return text.append(" }").toString();
  }

  /** As {@link #reaches(String, String, Function)}, with a unix: path taken as written. */
  static boolean reaches(String postfixName, String spec) {
    return reaches(postfixName, spec, path -> Path.of(path).normalize());
  }

  /**
   * Whether Postfix's milter name reaches the Postwarden listener {@code spec}: the same Unix
   * socket (Postfix's path as {@code unixPath} resolves it, see {@link
   * PostfixSettings#socketPath}), or the same TCP port on the same address (a wildcard listener is
   * reached through any address; localhost is loopback).
   */
  static boolean reaches(String postfixName, String spec, Function<String, Path> unixPath) {
    boolean ourUnix = spec.startsWith("unix:");
    boolean theirUnix = postfixName.startsWith("unix:") || postfixName.startsWith("local:");
    if (ourUnix || theirUnix) {
      return ourUnix
          && theirUnix
          && Path.of(spec.substring(5))
              .normalize()
              .equals(unixPath.apply(postfixName.substring(postfixName.indexOf(':') + 1)));
    }
    InetSocketAddress our;
    InetSocketAddress their;
    try {
      our = (InetSocketAddress) Endpoint.parse(spec).address();
      their = (InetSocketAddress) Endpoint.parse(postfixName).address();
    } catch (IllegalArgumentException e) {
      return postfixName.equalsIgnoreCase(spec);
    }
    if (our.getPort() != their.getPort()) {
      return false;
    }
    return our.getAddress().equals(their.getAddress())
        || our.getAddress().isAnyLocalAddress()
        || (our.getAddress().isLoopbackAddress() && their.getAddress().isLoopbackAddress());
  }

  /**
   * How main.cf should name Postwarden's listener for a daemon: a socket inside queue_directory as
   * a path relative to it (right whether or not the daemon is chrooted), anything else as
   * configured.
   */
  static String postfixName(String spec, PostfixSettings postfix) {
    if (spec.startsWith("unix:")) {
      Path socket = Path.of(spec.substring(5)).normalize();
      if (socket.startsWith(postfix.queueDirectory())) {
        return "unix:" + postfix.queueDirectory().relativize(socket);
      }
    }
    return spec;
  }
}
