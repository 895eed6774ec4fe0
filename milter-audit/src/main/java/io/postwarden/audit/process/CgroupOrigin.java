package io.postwarden.audit.process;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names what a process runs in, from the content of /proc/PID/cgroup:
 *
 * <ul>
 *   <li>a container, as "RUNTIME:ID": {@code docker:}, {@code podman:}, {@code containerd:} or
 *       {@code crio:} with the 64-digit container id, or {@code lxc:NAME};
 *   <li>else the innermost systemd service or scope: {@code /system.slice/php8.2-fpm.service} gives
 *       "php8.2-fpm.service", {@code /user.slice/user-1000.slice/session-3.scope} gives
 *       "session-3.scope";
 *   <li>else the cgroup path itself.
 * </ul>
 *
 * The container wins over units, which may be the container's own (an LXC guest running systemd).
 */
final class CgroupOrigin {

  private static final Pattern CONTAINER_SCOPE =
      Pattern.compile("(docker|libpod|cri-containerd|crio)-([0-9a-f]{64})\\.scope");
  private static final Map<String, String> RUNTIME_OF_SCOPE_PREFIX =
      Map.of(
          "docker", "docker", "libpod", "podman", "cri-containerd", "containerd", "crio", "crio");
  private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");
  private static final String LXC_PAYLOAD_PREFIX = "lxc.payload.";

  private CgroupOrigin() {}

  static String describe(String procCgroup) {
    String path = placement(procCgroup);
    String[] segments = path.split("/");
    for (int i = 0; i < segments.length; i++) {
      String container = container(segments, i);
      if (container != null) {
        return container;
      }
    }
    for (int i = segments.length - 1; i >= 0; i--) {
      if (segments[i].endsWith(".service") || segments[i].endsWith(".scope")) {
        return segments[i];
      }
    }
    return path;
  }

  /**
   * The path that places the process: the cgroup v2 one ("0::PATH"), else the one of systemd's v1
   * hierarchy ("N:name=systemd:PATH"), else the first v1 path below the root; "/" if all are the
   * root.
   */
  private static String placement(String procCgroup) {
    String systemd = null;
    String firstV1 = null;
    for (String line : procCgroup.split("\n")) {
      String[] fields =
          line.split(":", 3); // hierarchy id, controllers, path (which may contain ':')
      if (fields.length < 3 || fields[2].equals("/")) {
        continue;
      }
      if (fields[0].equals("0") && fields[1].isEmpty()) {
        return fields[2];
      }
      if (fields[1].equals("name=systemd")) {
        systemd = fields[2];
      } else if (firstV1 == null) {
        firstV1 = fields[2];
      }
    }
    return systemd != null ? systemd : firstV1 != null ? firstV1 : "/";
  }

  private static String container(String[] segments, int i) {
    String segment = segments[i];
    Matcher scope = CONTAINER_SCOPE.matcher(segment);
    if (scope.matches()) {
      return RUNTIME_OF_SCOPE_PREFIX.get(scope.group(1)) + ":" + scope.group(2);
    }
    boolean hasNext = i + 1 < segments.length && !segments[i + 1].isEmpty();
    if (segment.equals("docker") && hasNext && CONTAINER_ID.matcher(segments[i + 1]).matches()) {
      return "docker:" + segments[i + 1]; // cgroupfs driver: /docker/ID
    }
    if ((segment.equals("lxc") || segment.equals("lxc.payload")) && hasNext) {
      return "lxc:" + segments[i + 1]; // LXC 1.x-3.x: /lxc/NAME, /lxc.payload/NAME
    }
    if (segment.startsWith(LXC_PAYLOAD_PREFIX) && segment.length() > LXC_PAYLOAD_PREFIX.length()) {
      return "lxc:"
          + segment.substring(LXC_PAYLOAD_PREFIX.length()); // LXC 4+, LXD: /lxc.payload.NAME
    }
    return null;
  }
}
