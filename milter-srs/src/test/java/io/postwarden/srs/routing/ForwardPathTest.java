package io.postwarden.srs.routing;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForwardPathTest {

  private static final String DEFAULT =
      "$home/.forward${recipient_delimiter}${extension}, $home/.forward";
  private static final String FILTER =
      "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  @Test
  void theDefaultTriesTheExtensionFileFirstOnlyWithAnExtension() throws IOException {
    ForwardPath path = new ForwardPath(DEFAULT, FILTER);
    assertEquals(
        List.of(Path.of("/home/alice/.forward+lists"), Path.of("/home/alice/.forward")),
        path.candidates(
            Map.of("home", "/home/alice", "recipient_delimiter", "+", "extension", "lists")));
    assertEquals(
        List.of(Path.of("/home/alice/.forward")),
        path.candidates(Map.of("home", "/home/alice", "recipient_delimiter", "+")));
  }

  @Test
  void conditionalsAndEscapes() throws IOException {
    ForwardPath path = new ForwardPath("", FILTER);
    Map<String, String> bob = Map.of("user", "bob", "extension", "x", "shell", "");
    assertEquals(Optional.of("/f/bob+x"), path.expand("/f/$user${extension?+$extension}", bob));
    assertEquals(Optional.of("/f/bob"), path.expand("/f/$(user)${domain?@$domain}", bob));
    assertEquals(Optional.of("/f/none"), path.expand("/f/${domain:none}", bob));
    assertEquals(Optional.of("/f/yes"), path.expand("/f/${user?{yes}:{no}}", bob));
    assertEquals(Optional.of("/f/no"), path.expand("/f/${shell?{yes}:{no}}", bob));
    assertEquals(Optional.of("/f/$bob"), path.expand("/f/$$$user", bob));
    assertEquals(Optional.empty(), path.expand("/f/$domain", bob), "an attribute without value");
    assertThrows(IOException.class, () -> path.expand("/f/${user", bob));
    assertThrows(IOException.class, () -> path.expand("/f/$", bob));
  }

  @Test
  void valuesOutsideTheFilterBecomeUnderscores() throws IOException {
    ForwardPath path = new ForwardPath("$home/.forward+$extension", FILTER);
    assertEquals(
        List.of(Path.of("/home/a/.forward+.._.._etc_shadow")),
        path.candidates(Map.of("home", "/home/a", "extension", "..\\..\\etc shadow")));
  }

  @Test
  void aRelativeResultIsRefused() {
    assertThrows(
        IOException.class,
        () -> new ForwardPath("$user/.forward", FILTER).candidates(Map.of("user", "alice")));
  }
}
