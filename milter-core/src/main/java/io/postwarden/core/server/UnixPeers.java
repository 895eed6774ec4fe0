package io.postwarden.core.server;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.postwarden.core.policy.PeerCredentials;
import java.io.IOException;

/** Who connected to a unix-socket listener, as the kernel tells it (SO_PEERCRED). */
final class UnixPeers {

  private UnixPeers() {}

  /**
   * The connecting process of a unix-socket connection; null for TCP, or if the kernel would not
   * tell.
   */
  static PeerCredentials peerCredentials(Channel channel) {
    if (!(channel instanceof EpollDomainSocketChannel unix)) {
      return null;
    }
    try {
      io.netty.channel.unix.PeerCredentials credentials = unix.peerCredentials();
      int[] groups = credentials.gids();
      return new PeerCredentials(
          credentials.pid(), credentials.uid(), groups.length > 0 ? groups[0] : -1);
    } catch (IOException e) {
      return null;
    }
  }
}
