package io.postwarden.audit.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real tmpfs of a few pages, mounted for one test (needs root), so a disk can really fill up. */
final class TinyFilesystem implements AutoCloseable {

  private final Path mountPoint;

  private TinyFilesystem(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts; fails the test when it cannot, so a full-disk test never passes by skipping. */
  static TinyFilesystem mount(Path mountPoint, String size)
      throws IOException, InterruptedException {
    run(
        "mount",
        "-t",
        "tmpfs",
        "-o",
        "size=" + size + ",mode=0700",
        "tmpfs",
        mountPoint.toString());
    return new TinyFilesystem(mountPoint);
  }

  /** Writes {@code file} until the filesystem refuses more: the disk is then full. */
  static void fillWith(Path file) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer page = ByteBuffer.allocate(4096);
      while (true) {
        page.clear();
        channel.write(page);
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
        throw full;
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    // lazy: a writer still holding a file (a failed test) must not keep the mount behind
    run("umount", "--lazy", mountPoint.toString());
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(List.of(command) + " failed (this test needs root): " + output.strip());
    }
  }
}
