package io.postwarden.srs.codec;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reference implementation running under faketime with its clock frozen. faketime runs the
 * program as its child (and PostSRSd forks per connection), so closing ends the whole process tree
 * this test started.
 */
final class FrozenClockProcess implements AutoCloseable {

  private static final DateTimeFormatter FAKETIME_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Process process;

  private FrozenClockProcess(Process process) {
    this.process = process;
  }

  static FrozenClockProcess start(Instant frozenAt, List<String> command) throws IOException {
    List<String> line =
        new ArrayList<>(List.of("faketime", "-f", FAKETIME_FORMAT.format(frozenAt)));
    line.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.DISCARD);
    // faketime reads an absolute timestamp in the local zone.
    builder.environment().put("TZ", "UTC");
    return new FrozenClockProcess(builder.start());
  }

  Process process() {
    return process;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.toHandle().descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
