package io.postwarden.limits.state;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

  @TempDir Path dir;

  @Test
  void writtenPrivatelyInAPrivateDirectoryAndReadBack() throws Exception {
    StateFile file = new StateFile(dir.resolve("state/limits.state"));
    file.write(StateCodec.encode(0, StateCodecTest.KEYS));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state"))));
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
    assertEquals(
        List.of(file.path()), Files.list(dir.resolve("state")).toList(), "no temporary file left");
    assertEquals(Optional.of(StateCodecTest.KEYS), file.read(1 << 20));
  }

  @Test
  void aNewWriteReplacesTheOldFileWhole() throws Exception {
    StateFile file = new StateFile(dir.resolve("limits.state"));
    file.write(StateCodec.encode(0, StateCodecTest.KEYS));
    file.write(StateCodec.encode(0, StateCodecTest.KEYS.subList(0, 1)));
    assertEquals(Optional.of(StateCodecTest.KEYS.subList(0, 1)), file.read(1 << 20));
  }

  @Test
  void noFileIsAFirstStart() throws Exception {
    assertEquals(Optional.empty(), new StateFile(dir.resolve("limits.state")).read(1 << 20));
  }

  @Test
  void aFileOthersCouldWriteIsRefused() throws Exception {
    StateFile file = new StateFile(dir.resolve("limits.state"));
    file.write(StateCodec.encode(0, StateCodecTest.KEYS));
    Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-rw-rw-"));
    StateFile.RefusedException e =
        assertThrows(StateFile.RefusedException.class, () -> file.read(1 << 20));
    assertEquals(StateFile.Problem.NOT_PRIVATE, e.problem());
    assertTrue(e.getMessage().contains("mode rw-rw-rw-"), e.getMessage());
  }

  @Test
  void aSymlinkIsRefusedNotFollowed() throws Exception {
    StateFile real = new StateFile(dir.resolve("elsewhere.state"));
    real.write(StateCodec.encode(0, StateCodecTest.KEYS));
    Path link = Files.createSymbolicLink(dir.resolve("limits.state"), real.path());
    StateFile.RefusedException e =
        assertThrows(StateFile.RefusedException.class, () -> new StateFile(link).read(1 << 20));
    assertEquals(StateFile.Problem.NOT_PRIVATE, e.problem());
  }

  @Test
  void aDamagedFileIsRefusedAndCanBeSetAside() throws Exception {
    StateFile file = new StateFile(dir.resolve("limits.state"));
    byte[] bytes = StateCodec.encode(0, StateCodecTest.KEYS);
    bytes[bytes.length / 2] ^= 1;
    file.write(bytes);
    StateFile.RefusedException e =
        assertThrows(StateFile.RefusedException.class, () -> file.read(1 << 20));
    assertEquals(StateFile.Problem.CORRUPT, e.problem());
    assertEquals(Optional.of(dir.resolve("limits.state.refused")), file.setAside());
    assertFalse(Files.exists(file.path()));
  }

  @Test
  void aFileLargerThanTheStoreCouldWriteIsNotRead() throws Exception {
    StateFile file = new StateFile(dir.resolve("limits.state"));
    byte[] bytes = StateCodec.encode(0, StateCodecTest.KEYS);
    file.write(bytes);
    assertEquals(
        StateFile.Problem.TOO_LARGE,
        assertThrows(StateFile.RefusedException.class, () -> file.read(bytes.length - 1))
            .problem());
  }
}
