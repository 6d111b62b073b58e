package dev.podnic.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kubevirt.hooks.info.ApiInfo;
import kubevirt.hooks.info.InfoGrpc;

/** virt-launcher's first question to a hook sidecar, through KubeVirt's own .proto, over the sidecar's Unix socket. */
final class SidecarInfo {
    private SidecarInfo() {
    }

    static Map<String, Object> ask(Path socket) throws InterruptedException {
        EventLoopGroup loop = new EpollEventLoopGroup(1);
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build();
        try {
            ApiInfo.InfoResult info = InfoGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .info(ApiInfo.InfoParams.getDefaultInstance());
            return Map.of("name", info.getName(), "versions", List.copyOf(info.getVersionsList()));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
