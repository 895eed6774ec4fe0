package io.postwarden.limits.hold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.postwarden.core.json.JsonReader;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HoldQueueTest {

  @Test
  void aLineOfPostqueueJBecomesAHeldMessage() {
    // the shape postqueue -j writes (Postfix 3.7), one object per line
    String line =
        "{\"queue_name\": \"hold\", \"queue_id\": \"9DB3A20CAF3\", "
            + "\"arrival_time\": 1796034777, \"message_size\": 304, \"forced_expire\": false, "
            + "\"sender\": \"wp@test.example\", \"recipients\": [{\"address\": \"c@far.example\"}, "
            + "{\"address\": \"d@far.example\", \"delay_reason\": \"x\"}]}";
    assertEquals(
        new HeldMessage(
            "9DB3A20CAF3",
            Instant.ofEpochSecond(1796034777),
            "wp@test.example",
            2,
            Optional.of("unix:www-data")),
        HoldQueue.heldMessage(JsonReader.object(line), Optional.of("unix:www-data")));
  }
}
