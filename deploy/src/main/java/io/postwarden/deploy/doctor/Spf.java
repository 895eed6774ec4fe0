package io.postwarden.deploy.doctor;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Just enough of SPF (RFC 7208) to tell whether a record names an address: terms, qualifiers, CIDR matches. */
final class Spf {

  /**
   * One term: a mechanism ({@code -ip4:192.0.2.0/24}, {@code mx}, {@code include:x}) or a modifier
   * ({@code redirect=x}, marked by {@code modifier}).
   */
  record Term(char qualifier, String name, String domain, int prefix4, int prefix6, boolean modifier, String text) {

    boolean passes() {
      return qualifier == '+';
    }
  }

  private Spf() {}

  /** Whether a TXT string is an SPF record: "v=spf1" alone or followed by a space (case-insensitive). */
  static boolean isSpf(String txt) {
    String lower = txt.toLowerCase(Locale.ROOT);
    return lower.equals("v=spf1") || lower.startsWith("v=spf1 ");
  }

  static List<Term> parse(String record) {
    List<Term> terms = new ArrayList<>();
    String[] words = record.trim().split("\\s+");
    for (int i = 1; i < words.length; i++) {
      String word = words[i];
      if (word.isEmpty()) {
        continue;
      }
      int equals = word.indexOf('=');
      int colon = word.indexOf(':');
      if (equals > 0 && (colon < 0 || equals < colon)) {
        terms.add(new Term('+', word.substring(0, equals).toLowerCase(Locale.ROOT), word.substring(equals + 1),
            32, 128, true, word));
        continue;
      }
      char qualifier = '+';
      String rest = word;
      if ("+-~?".indexOf(word.charAt(0)) >= 0) {
        qualifier = word.charAt(0);
        rest = word.substring(1);
      }
      int prefix4 = 32;
      int prefix6 = 128;
      String name = rest;
      String domain = null;
      int argument = indexOfAny(rest, ":/");
      if (argument >= 0) {
        name = rest.substring(0, argument);
        String tail = rest.substring(argument);
        if (tail.startsWith(":")) {
          int slash = name.equalsIgnoreCase("ip6") ? tail.indexOf('/') : tail.indexOf('/', 1);
          domain = slash < 0 ? tail.substring(1) : tail.substring(1, slash);
          tail = slash < 0 ? "" : tail.substring(slash);
        }
        // "/24", "//64" or "/24//64"
        if (tail.startsWith("//")) {
          prefix6 = parsePrefix(tail.substring(2), 128);
        } else if (tail.startsWith("/")) {
          int dual = tail.indexOf("//");
          String first = dual < 0 ? tail.substring(1) : tail.substring(1, dual);
          if (name.equalsIgnoreCase("ip6")) {
            prefix6 = parsePrefix(first, 128);
          } else {
            prefix4 = parsePrefix(first, 32);
          }
          if (dual >= 0) {
            prefix6 = parsePrefix(tail.substring(dual + 2), 128);
          }
        }
      }
      terms.add(new Term(qualifier, name.toLowerCase(Locale.ROOT), domain, prefix4, prefix6, false, word));
    }
    return terms;
  }

  private static int indexOfAny(String text, String characters) {
    for (int i = 0; i < text.length(); i++) {
      if (characters.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static int parsePrefix(String text, int fallback) {
    try {
      int prefix = Integer.parseInt(text);
      return prefix >= 0 && prefix <= fallback ? prefix : fallback;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** Whether {@code address} lies in {@code network/prefix}; addresses of different families never match. */
  static boolean within(InetAddress address, InetAddress network, int prefix) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int bits = Math.min(prefix, a.length * 8);
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((a[i / 8] & mask) != (n[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** An ip4:/ip6: argument as an address, or null when it is not a literal of that family. */
  static InetAddress literal(String text, boolean ipv4) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    boolean looksV4 = text.chars().allMatch(c -> Character.isDigit(c) || c == '.');
    boolean looksV6 = text.indexOf(':') >= 0 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0
        || c == ':' || c == '.');
    if (ipv4 ? !looksV4 : !looksV6) {
      return null;
    }
    try {
      InetAddress address = InetAddress.getByName(text);
      return (address instanceof Inet4Address) == ipv4 ? address : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
