package dev.podnic.kubevirt.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kubevirt.hooks.info.ApiInfo;
import kubevirt.hooks.info.InfoGrpc;
import kubevirt.hooks.v1alpha3.ApiV1Alpha3;
import kubevirt.hooks.v1alpha3.CallbacksGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook server on a real Unix socket, asked by a client generated from KubeVirt's own .proto
 * files as virt-launcher asks it: Info first, then the v1alpha3 callbacks.
 */
class HookServerTest {
    @TempDir
    Path tmp;
    private HookServer server;
    private ManagedChannel channel;
    private EventLoopGroup loop;
    private final CountDownLatch shutdown = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        DomainInterfaces domains = new DomainInterfaces("podnic", name -> name.equals(DomainInterfacesTest.TAP_DEFAULT)
                ? OptionalInt.of(1400) : OptionalInt.empty());
        server = HookServer.start(tmp.resolve("hooks/podnic.sock"), domains, shutdown::countDown, line -> { });
        loop = new EpollEventLoopGroup(1);
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(server.socket().toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        server.close();
        assertThat(server.socket()).doesNotExist();
    }

    @Test
    void infoSaysWhoWeAreWhichVersionAndWhichHookPoints() {
        ApiInfo.InfoResult info = InfoGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .info(ApiInfo.InfoParams.getDefaultInstance());
        assertThat(info.getName()).isEqualTo("podnic");
        assertThat(info.getVersionsList()).containsExactly("v1alpha3");
        assertThat(info.getHookPointsList()).extracting(ApiInfo.HookPoint::getName).containsExactly("OnDefineDomain", "Shutdown");
    }

    @Test
    void onDefineDomainAddsOurInterfaceAndRefusesClearlyWhenTheTapIsMissing() {
        var callbacks = CallbacksGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        ApiV1Alpha3.OnDefineDomainResult r = callbacks.onDefineDomain(ApiV1Alpha3.OnDefineDomainParams.newBuilder()
                .setDomainXML(ByteString.copyFromUtf8(DomainInterfacesTest.DOMAIN))
                .setVmi(ByteString.copyFromUtf8(DomainInterfacesTest.vmi("{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"}}")))
                .build());
        assertThat(r.getDomainXML().toString(StandardCharsets.UTF_8)).contains("<alias name=\"ua-default\"/>")
                .contains("dev=\"" + DomainInterfacesTest.TAP_DEFAULT + "\"");

        assertThatThrownBy(() -> callbacks.onDefineDomain(ApiV1Alpha3.OnDefineDomainParams.newBuilder()
                .setDomainXML(ByteString.copyFromUtf8(DomainInterfacesTest.DOMAIN))
                .setVmi(ByteString.copyFromUtf8(DomainInterfacesTest.vmi("{\"name\":\"second\",\"binding\":{\"name\":\"podnic\"}}")))
                .build())).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("FAILED_PRECONDITION")
                .hasMessageContaining("the pod has no tap");
    }

    @Test
    void preCloudInitIsoHandsItsInputBackAndShutdownIsAcknowledged() throws Exception {
        var callbacks = CallbacksGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        ApiV1Alpha3.PreCloudInitIsoResult iso = callbacks.preCloudInitIso(ApiV1Alpha3.PreCloudInitIsoParams.newBuilder()
                .setCloudInitData(ByteString.copyFromUtf8("{\"userData\":\"x\"}")).build());
        assertThat(iso.getCloudInitData().toStringUtf8()).isEqualTo("{\"userData\":\"x\"}");
        callbacks.shutdown(ApiV1Alpha3.ShutdownParams.getDefaultInstance());
        assertThat(shutdown.await(30, TimeUnit.SECONDS)).isTrue();
    }
}
