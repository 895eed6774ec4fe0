package io.postwarden.deploy.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostfixMiltersTest {

  @Test
  void parsesPlainAndBracedMilters() {
    List<PostfixMilters.Milter> milters =
        PostfixMilters.parse(
            "inet:127.0.0.1:8895, { unix:/run/opendkim.sock, default_action=accept, connect_timeout=5s }  inet:[::1]:9");
    assertEquals(
        List.of("inet:127.0.0.1:8895", "unix:/run/opendkim.sock", "inet:[::1]:9"),
        milters.stream().map(PostfixMilters.Milter::name).toList());
    assertEquals(
        Map.of("default_action", "accept", "connect_timeout", "5s"), milters.get(1).settings());
    assertEquals(
        "{ unix:/run/opendkim.sock, default_action=accept, connect_timeout=5s }",
        PostfixMilters.render(milters.get(1)));
    assertEquals(List.of(), PostfixMilters.parse(""));
  }

  @Test
  void matchesListenersByAddressAndPort() {
    assertTrue(PostfixMilters.reaches("inet:127.0.0.1:8895", "inet:127.0.0.1:8895"));
    assertTrue(PostfixMilters.reaches("inet:localhost:8895", "inet:127.0.0.1:8895"));
    assertTrue(
        PostfixMilters.reaches("inet:127.0.0.1:8895", "inet:0.0.0.0:8895"), "wildcard listener");
    assertTrue(PostfixMilters.reaches("inet:[::1]:8895", "inet:127.0.0.1:8895"), "both loopback");
    assertFalse(PostfixMilters.reaches("inet:127.0.0.1:8896", "inet:127.0.0.1:8895"));
    assertFalse(PostfixMilters.reaches("inet:192.0.2.1:8895", "inet:127.0.0.1:8895"));
    assertTrue(
        PostfixMilters.reaches(
            "unix:/run/postwarden/../postwarden/m.sock", "unix:/run/postwarden/m.sock"));
    assertTrue(
        PostfixMilters.reaches("local:/run/postwarden/m.sock", "unix:/run/postwarden/m.sock"));
    assertFalse(PostfixMilters.reaches("unix:/run/postwarden/m.sock", "inet:127.0.0.1:8895"));
    assertFalse(PostfixMilters.reaches("inet:milter.example:8895", "inet:127.0.0.1:8895"));
  }

  @Test
  void readsPostfixTimeUnits() {
    assertEquals(Optional.of(Duration.ofSeconds(30)), PostfixTimeoutsCheck.duration("30s"));
    assertEquals(Optional.of(Duration.ofSeconds(30)), PostfixTimeoutsCheck.duration("30"));
    assertEquals(Optional.of(Duration.ofMinutes(5)), PostfixTimeoutsCheck.duration("5m"));
    assertEquals(Optional.of(Duration.ofHours(1)), PostfixTimeoutsCheck.duration("1h"));
    assertEquals(Optional.empty(), PostfixTimeoutsCheck.duration("$foo"));
  }
}
