package io.postwarden.core.json;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

  @Test
  void readsALineOfPostqueueJ() {
    // the shape postqueue -j writes (Postfix 3.7), one object per line
    Map<String, Object> message =
        JsonReader.object(
            "{\"queue_name\": \"hold\", \"queue_id\": \"9DB3A20CAF3\", "
                + "\"arrival_time\": 1796034777, \"message_size\": 304, \"forced_expire\": false, "
                + "\"sender\": \"wp@test.example\", \"recipients\": [{\"address\": \"c@far.example\"}, "
                + "{\"address\": \"d\\u00e9@far.example\", \"delay_reason\": \"x \\\"y\\\"\"}]}");
    assertEquals("hold", message.get("queue_name"));
    assertEquals(1796034777L, message.get("arrival_time"));
    assertEquals(false, message.get("forced_expire"));
    assertEquals(
        List.of(
            Map.of("address", "c@far.example"),
            Map.of("address", "d\u00e9@far.example", "delay_reason", "x \"y\"")),
        message.get("recipients"));
  }

  @Test
  void refusesWhatIsNotOneObject() {
    for (String bad :
        new String[] {
          "",
          "[]",
          "{\"a\": 1} x",
          "{\"a\": }",
          "{\"a\": \"open}",
          "{\"a\" 1}",
          "{\"a\": 1, \"b\": {\"c\": 2, \"c\": 3}}"
        }) {
      assertThrows(IllegalArgumentException.class, () -> JsonReader.object(bad), bad);
    }
  }
}
