package io.postwarden.core.lookup.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.server.Endpoint;
import io.postwarden.core.server.ServerTransport;
import io.postwarden.core.server.SocketFiles;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Serves lookup tables to Postfix over socketmap (netstrings; every table by name) and tcp_table
 * (one table per listener), beside the milter listener and independent of it. Lookups are answered
 * on the network threads, from memory; one that may block (a long sender's store) runs on a few
 * workers while its connection waits. Bounded: connections over all listeners, request size, idle
 * time, lookups waiting for the workers.
 */
public final class LookupServer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(LookupServer.class.getName());

  /** Lookups that may block at once: a local database or a network store serves a few at a time. */
  private static final int LOOKUP_WORKER_THREADS = 4;

  private final LookupServerSettings settings;
  private final Tables tables;
  private final LookupMetrics metrics;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final LookupWorkers lookupWorkers;
  private final ChannelGroup listeners = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<SocketAddress> socketmapAddresses = new ArrayList<>();
  private final List<SocketAddress> tcpTableAddresses = new ArrayList<>();

  public LookupServer(
      LookupServerSettings settings, Map<String, LookupTable> tables, LookupMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.tables = new Tables(tables, metrics);
    this.acceptors = ServerTransport.eventLoops(1, "postwarden-lookup-accept");
    this.workers = ServerTransport.eventLoops(0, "postwarden-lookup-io");
    this.lookupWorkers = new LookupWorkers(LOOKUP_WORKER_THREADS, settings.maxConnections());
  }

  /** Binds every endpoint, or fails with the first error and leaves nothing bound. */
  public void start() {
    ServerTransport.bindAllOrNone(
        () -> {
          for (Endpoint endpoint : settings.socketmap()) {
            socketmapAddresses.add(
                bind(
                    endpoint,
                    "socketmap (tables " + String.join(", ", tableNames()) + ")",
                    () -> new SocketmapFrameDecoder(LookupServerSettings.MAX_REQUEST_OCTETS),
                    () -> new SocketmapHandler(tables, lookupWorkers)));
          }
          for (Map.Entry<String, Endpoint> entry : settings.tcpTables().entrySet()) {
            tcpTableAddresses.add(
                bind(
                    entry.getValue(),
                    "tcp_table (table " + entry.getKey() + ")",
                    () ->
                        new LineBasedFrameDecoder(
                            LookupServerSettings.MAX_REQUEST_OCTETS, true, true),
                    () -> new TcpTableHandler(tables, lookupWorkers, entry.getKey())));
          }
        },
        this::close);
  }

  /**
   * Tables for requests from now on (reload); a request in progress finishes with the table it
   * started with.
   */
  public void replaceTables(Map<String, LookupTable> newTables) {
    tables.replace(newTables);
  }

  /** Bound socketmap addresses (port 0 resolved), in configuration order. */
  public List<SocketAddress> socketmapAddresses() {
    return List.copyOf(socketmapAddresses);
  }

  /**
   * Bound tcp_table addresses, in the order of {@link LookupServerSettings#tcpTables()}'s
   * iteration.
   */
  public List<SocketAddress> tcpTableAddresses() {
    return List.copyOf(tcpTableAddresses);
  }

  private List<String> tableNames() {
    return tables.names();
  }

  private SocketAddress bind(
      Endpoint endpoint,
      String what,
      Supplier<ChannelHandler> framing,
      Supplier<ChannelHandler> handler)
      throws Exception {
    ServerBootstrap bootstrap =
        ServerTransport.listen(
            endpoint, acceptors, workers, channel -> admit(channel, framing.get(), handler.get()));
    Channel channel = bootstrap.bind(endpoint.address()).sync().channel();
    listeners.add(channel);
    if (endpoint.isUnix()) {
      SocketFiles.grantAccess(
          Path.of(((DomainSocketAddress) endpoint.address()).path()), settings.socketAccess());
    }
    LOG.log(
        Level.INFO,
        "lookup tables listening on "
            + SocketFiles.describe(channel.localAddress())
            + " for "
            + what);
    return channel.localAddress();
  }

  private void admit(Channel channel, ChannelHandler framing, ChannelHandler handler) {
    int active = metrics.activeConnections().incrementAndGet();
    channel.closeFuture().addListener(future -> metrics.activeConnections().decrementAndGet());
    if (active > settings.maxConnections()) {
      metrics.connectionRefused();
      LOG.log(
          Level.WARNING,
          "lookup connection limit "
              + settings.maxConnections()
              + " reached; closing a connection");
      channel.close();
      return;
    }
    connections.add(channel);
    channel
        .pipeline()
        .addLast(
            "idle",
            new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast("framing", framing)
        .addLast("lookups", handler);
  }

  /**
   * Closes listeners and connections at once: a lookup is one round trip, Postfix retries a dropped
   * one.
   */
  @Override
  public void close() {
    listeners.close().awaitUninterruptibly();
    connections.close().awaitUninterruptibly();
    ServerTransport.shutdown(acceptors, workers);
    lookupWorkers.close();
    for (Endpoint endpoint : settings.socketmap()) {
      if (endpoint.isUnix()) {
        SocketFiles.deleteStale(((DomainSocketAddress) endpoint.address()).path());
      }
    }
  }
}
