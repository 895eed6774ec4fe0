package io.postwarden.core.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How the milter and lookup servers listen: native epoll where the platform has it (unix sockets
 * need it), NIO for TCP elsewhere.
 */
public final class ServerTransport {

  private ServerTransport() {}

  /** Event loops on daemon threads named {@code name}; 0 threads for Netty's default. */
  public static EventLoopGroup eventLoops(int threads, String name) {
    IoHandlerFactory io =
        Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  /**
   * A bootstrap for one endpoint, ready to bind; {@code admit} sets up each accepted connection. A
   * socket file left by an earlier run is removed first.
   */
  public static ServerBootstrap listen(
      Endpoint endpoint,
      EventLoopGroup acceptors,
      EventLoopGroup workers,
      Consumer<Channel> admit) {
    Class<? extends ServerChannel> type;
    if (endpoint.isUnix()) {
      if (!Epoll.isAvailable()) {
        throw new IllegalStateException(
            "unix sockets need the native epoll transport: " + Epoll.unavailabilityCause());
      }
      SocketFiles.deleteStale(((DomainSocketAddress) endpoint.address()).path());
      type = EpollServerDomainSocketChannel.class;
    } else {
      type = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptors, workers)
            .channel(type)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    admit.accept(channel);
                  }
                });
    if (!endpoint.isUnix()) {
      bootstrap
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true);
    }
    return bootstrap;
  }

  /** Binding one server's listeners; may throw what binding throws. */
  @FunctionalInterface
  public interface Binding {
    void bind() throws Exception;
  }

  /**
   * Binds every listener, or fails with the first error and leaves nothing bound: {@code close}
   * releases what was bound before it.
   */
  public static void bindAllOrNone(Binding binding, Runnable close) {
    try {
      binding.bind();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close.run();
      throw new IllegalStateException("interrupted while binding", e);
    } catch (RuntimeException e) {
      close.run();
      throw e;
    } catch (Exception e) {
      close.run();
      throw new IllegalStateException("cannot listen: " + e.getMessage(), e);
    }
  }

  /** Stops the event loops, waiting at most a second for each. */
  public static void shutdown(EventLoopGroup... groups) {
    for (EventLoopGroup group : groups) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }
}
