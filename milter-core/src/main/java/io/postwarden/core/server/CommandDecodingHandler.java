package io.postwarden.core.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.postwarden.core.protocol.CommandDecoder;
import java.util.List;
import org.nightcode.milter.codec.MilterPacket;

/** Adapts the pure {@link CommandDecoder} to the pipeline. */
final class CommandDecodingHandler extends MessageToMessageDecoder<MilterPacket> {

  @Override
  protected void decode(ChannelHandlerContext ctx, MilterPacket packet, List<Object> out) {
    out.add(CommandDecoder.decode(packet));
  }
}
