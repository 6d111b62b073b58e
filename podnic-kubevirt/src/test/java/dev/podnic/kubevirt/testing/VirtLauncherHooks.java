package dev.podnic.kubevirt.testing;

import com.google.protobuf.ByteString;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import kubevirt.hooks.info.ApiInfo;
import kubevirt.hooks.info.InfoGrpc;
import kubevirt.hooks.v1alpha3.ApiV1Alpha3;
import kubevirt.hooks.v1alpha3.CallbacksGrpc;

/**
 * virt-launcher's side of KubeVirt's hook API, with its timing (kubevirt pkg/hooks/manager.go at
 * d923fdb): it polls its hooks directory every 300 ms; for a socket there it dials with a 1 s timeout
 * (a failed dial is tried again at the next poll), then asks Info with a 1 s deadline — an Info error
 * aborts the VM's start, with no retry; every later call dials again (1 s) and OnDefineDomain, like
 * Shutdown, gets one minute; the whole wait is bounded (virt-launcher's --qemu-timeout). Messages and
 * stubs come from KubeVirt's own .proto files.
 */
public final class VirtLauncherHooks implements AutoCloseable {
    public static final Duration POLL = Duration.ofMillis(300);
    public static final Duration DIAL = Duration.ofSeconds(1);
    public static final Duration INFO = Duration.ofSeconds(1);
    public static final Duration ON_DEFINE_DOMAIN = Duration.ofMinutes(1);

    /** Why virt-launcher gives up on the VM's start. */
    public static final class StartAborted extends IOException {
        StartAborted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path socket;
    private final ApiInfo.InfoResult info;
    private final long infoAnsweredNanos;
    private final EventLoopGroup loop = new EpollEventLoopGroup(1);

    private VirtLauncherHooks(Path socket, ApiInfo.InfoResult info, long infoAnsweredNanos) {
        this.socket = socket;
        this.info = info;
        this.infoAnsweredNanos = infoAnsweredNanos;
    }

    /**
     * Collects the sidecar whose socket appears as {@code socket} (in virt-launcher's view of the hooks
     * directory), as virt-launcher does before it starts the VM, within {@code overall}; {@code alive}
     * false ends the wait early (the sidecar died).
     */
    public static VirtLauncherHooks collect(Path socket, Duration overall, BooleanSupplier alive) throws IOException, InterruptedException {
        return collect(socket, overall, alive, POLL);
    }

    /** As {@link #collect(Path, Duration, BooleanSupplier)}, polling every {@code poll} (a benchmark's finer clock). */
    public static VirtLauncherHooks collect(Path socket, Duration overall, BooleanSupplier alive, Duration poll)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + overall.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new StartAborted("the sidecar exited before virt-launcher could collect it", null);
            }
            if (Files.exists(socket)) {
                EventLoopGroup loop = new EpollEventLoopGroup(1);
                ManagedChannel channel = channel(socket, loop);
                try {
                    if (dialed(channel)) {
                        ApiInfo.InfoResult info = InfoGrpc.newBlockingStub(channel).withDeadlineAfter(INFO.toMillis(), TimeUnit.MILLISECONDS)
                                .info(ApiInfo.InfoParams.getDefaultInstance());
                        return new VirtLauncherHooks(socket, info, System.nanoTime());
                    }
                } catch (RuntimeException e) {
                    throw new StartAborted("Info failed: the VM's start is aborted: " + e.getMessage(), e);
                } finally {
                    shut(channel, loop);
                }
            }
            Thread.sleep(poll.toMillis()); // virt-launcher's own poll period, the behaviour under test
        }
        throw new StartAborted("no sidecar socket could be collected within " + overall + " (virt-launcher panics)", null);
    }

    private static ManagedChannel channel(Path socket, EventLoopGroup loop) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString())).channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(loop).usePlaintext().build();
    }

    /** A blocking dial with virt-launcher's timeout: the channel READY within 1 s. */
    private static boolean dialed(ManagedChannel channel) throws InterruptedException {
        long deadline = System.nanoTime() + DIAL.toNanos();
        ConnectivityState state = channel.getState(true);
        while (state != ConnectivityState.READY) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || state == ConnectivityState.SHUTDOWN) {
                return false;
            }
            CountDownLatch changed = new CountDownLatch(1);
            channel.notifyWhenStateChanged(state, changed::countDown);
            changed.await(left, TimeUnit.NANOSECONDS);
            state = channel.getState(true);
        }
        return true;
    }

    public ApiInfo.InfoResult info() {
        return info;
    }

    /** System.nanoTime() when Info was answered. */
    public long infoAnsweredNanos() {
        return infoAnsweredNanos;
    }

    public byte[] onDefineDomain(byte[] domain, byte[] vmi) throws IOException, InterruptedException {
        return call(c -> CallbacksGrpc.newBlockingStub(c).withDeadlineAfter(ON_DEFINE_DOMAIN.toMillis(), TimeUnit.MILLISECONDS)
                .onDefineDomain(ApiV1Alpha3.OnDefineDomainParams.newBuilder().setDomainXML(ByteString.copyFrom(domain))
                        .setVmi(ByteString.copyFrom(vmi)).build())
                .getDomainXML().toByteArray());
    }

    public ApiV1Alpha3.PreCloudInitIsoResult preCloudInitIso(ApiV1Alpha3.PreCloudInitIsoParams params)
            throws IOException, InterruptedException {
        return call(c -> CallbacksGrpc.newBlockingStub(c).withDeadlineAfter(ON_DEFINE_DOMAIN.toMillis(), TimeUnit.MILLISECONDS)
                .preCloudInitIso(params));
    }

    public void shutdown() throws IOException, InterruptedException {
        call(c -> CallbacksGrpc.newBlockingStub(c).withDeadlineAfter(ON_DEFINE_DOMAIN.toMillis(), TimeUnit.MILLISECONDS)
                .shutdown(ApiV1Alpha3.ShutdownParams.getDefaultInstance()));
    }

    /** One callback on a connection of its own, dialed as virt-launcher dials (1 s): a failed dial fails the call. */
    private <T> T call(java.util.function.Function<ManagedChannel, T> rpc) throws IOException, InterruptedException {
        ManagedChannel channel = channel(socket, loop);
        try {
            if (!dialed(channel)) {
                throw new IOException("Failed to Dial hook socket: " + socket);
            }
            return rpc.apply(channel);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static void shut(ManagedChannel channel, EventLoopGroup loop) throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
