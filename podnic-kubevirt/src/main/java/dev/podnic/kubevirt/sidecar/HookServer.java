package dev.podnic.kubevirt.sidecar;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import kubevirt.hooks.info.ApiInfo;
import kubevirt.hooks.info.InfoGrpc;
import kubevirt.hooks.v1alpha3.ApiV1Alpha3;
import kubevirt.hooks.v1alpha3.CallbacksGrpc;

/**
 * The sidecar's side of KubeVirt's hook API, on a Unix socket in the directory virt-launcher
 * scans ({@code /var/run/kubevirt-hooks}): Info (who we are, v1alpha3, subscribed to
 * OnDefineDomain and Shutdown) and the v1alpha3 callbacks. PreCloudInitIso is not subscribed
 * (virt-launcher calls it even for VMs without cloud-init) and hands its input back unchanged.
 */
public final class HookServer implements AutoCloseable {
    public static final String NAME = "podnic";
    public static final String VERSION = "v1alpha3";

    private final Server server;
    private final EventLoopGroup loop;
    private final Path socket;

    private HookServer(Server server, EventLoopGroup loop, Path socket) {
        this.server = server;
        this.loop = loop;
        this.socket = socket;
    }

    /**
     * Serves on {@code socket} (replacing a stale file), answering OnDefineDomain with {@code domains}.
     *
     * @param shutdown called when virt-launcher says the VM is shutting down (the sidecar may exit)
     */
    public static HookServer start(Path socket, DomainInterfaces domains, Runnable shutdown, Consumer<String> log) throws IOException {
        Files.createDirectories(socket.toAbsolutePath().getParent());
        Files.deleteIfExists(socket);
        EventLoopGroup loop = new EpollEventLoopGroup(1);
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(loop)
                .workerEventLoopGroup(loop)
                .addService(new Info())
                .addService(new Callbacks(domains, shutdown, log))
                .build()
                .start();
        return new HookServer(server, loop, socket);
    }

    public Path socket() {
        return socket;
    }

    /** Until the server stops (close, or the JVM ends). */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // best effort: a stale socket is replaced at the next start
        }
    }

    private static final class Info extends InfoGrpc.InfoImplBase {
        @Override
        public void info(ApiInfo.InfoParams request, StreamObserver<ApiInfo.InfoResult> response) {
            response.onNext(ApiInfo.InfoResult.newBuilder()
                    .setName(NAME)
                    .addVersions(VERSION)
                    .addHookPoints(ApiInfo.HookPoint.newBuilder().setName("OnDefineDomain").setPriority(0))
                    .addHookPoints(ApiInfo.HookPoint.newBuilder().setName("Shutdown").setPriority(0))
                    .build());
            response.onCompleted();
        }
    }

    private static final class Callbacks extends CallbacksGrpc.CallbacksImplBase {
        private final DomainInterfaces domains;
        private final Runnable shutdown;
        private final Consumer<String> log;

        Callbacks(DomainInterfaces domains, Runnable shutdown, Consumer<String> log) {
            this.domains = domains;
            this.shutdown = shutdown;
            this.log = log;
        }

        @Override
        public void onDefineDomain(ApiV1Alpha3.OnDefineDomainParams request, StreamObserver<ApiV1Alpha3.OnDefineDomainResult> response) {
            byte[] domain;
            try {
                domain = domains.onDefineDomain(request.getDomainXML().toByteArray(), request.getVmi().toByteArray());
            } catch (DomainInterfaces.DomainException e) {
                log.accept("OnDefineDomain refused: " + e.getMessage());
                response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
                return;
            }
            response.onNext(ApiV1Alpha3.OnDefineDomainResult.newBuilder().setDomainXML(ByteString.copyFrom(domain)).build());
            response.onCompleted();
        }

        @Override
        public void preCloudInitIso(ApiV1Alpha3.PreCloudInitIsoParams request, StreamObserver<ApiV1Alpha3.PreCloudInitIsoResult> response) {
            response.onNext(ApiV1Alpha3.PreCloudInitIsoResult.newBuilder()
                    .setCloudInitNoCloudSource(request.getCloudInitNoCloudSource())
                    .setCloudInitData(request.getCloudInitData()).build());
            response.onCompleted();
        }

        @Override
        public void shutdown(ApiV1Alpha3.ShutdownParams request, StreamObserver<ApiV1Alpha3.ShutdownResult> response) {
            response.onNext(ApiV1Alpha3.ShutdownResult.getDefaultInstance());
            response.onCompleted();
            shutdown.run();
        }
    }
}
