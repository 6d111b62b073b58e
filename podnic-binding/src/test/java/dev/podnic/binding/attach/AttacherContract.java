package dev.podnic.binding.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.api.VmNames;
import dev.podnic.binding.testing.Contract;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.IpConfig;
import dev.podnic.netlink.NetworkOps;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What the engine relies on from an attacher, asserted the same way against the in-memory fake and
 * the real CNI plugins: so the fake the lifecycle tests use cannot drift from them.
 */
public abstract class AttacherContract extends Contract<AttacherContract.Subject> {
    protected static final VmNames VM = VmNames.of("default/contractvm");

    /**
     * What the contract runs against.
     *
     * @param pod       the pod's links, as the kernel (or the fake kernel) shows them
     * @param allocated the addresses the node's IPAM has handed out (host-local's store, or the fake's)
     * @param deletePod deletes the pod's network namespace, as the container runtime does when a pod goes
     */
    public record Subject(Attacher attacher, NetworkOps pod, Supplier<Set<String>> allocated, Runnable deletePod) {
    }


    private Attacher attacher() {
        return s().attacher();
    }

    private NetworkOps pod() {
        return s().pod();
    }

    private Set<String> allocated() {
        return s().allocated().get();
    }

    private void deletePod() {
        s().deletePod().run();
    }

    private static String address(CniResult r) {
        return r.ips().stream().filter(IpConfig::isIpv4).findFirst().orElseThrow().address().address().getHostAddress();
    }

    @Test
    void attachMakesTheInterfaceWithTheResultsAddress() {
        CniResult r = attacher().attach(VM, "vmi0");
        String ip = address(r);
        assertThat(pod().findLink("vmi0")).isPresent();
        assertThat(pod().addresses("vmi0")).anyMatch(a -> a.address().address().getHostAddress().equals(ip));
        assertThat(r.interfaces()).anyMatch(i -> i.name().equals("vmi0") && i.sandbox() != null && !i.sandbox().isEmpty());
        assertThat(allocated()).containsExactly(ip);
        attacher().detach(VM, "vmi0");
    }

    @Test
    void aSecondAttachReturnsTheFirstResultAndAllocatesNothing() {
        CniResult first = attacher().attach(VM, "vmi0");
        CniResult second = attacher().attach(VM, "vmi0");
        assertThat(address(second)).isEqualTo(address(first));
        assertThat(allocated()).hasSize(1);
        attacher().detach(VM, "vmi0");
    }

    @Test
    void eachVmiInterfaceGetsItsOwnAddress() {
        String a = address(attacher().attach(VM, "vmi0"));
        String b = address(attacher().attach(VM, "vmi1"));
        assertThat(a).isNotEqualTo(b);
        assertThat(allocated()).containsExactlyInAnyOrder(a, b);
        attacher().detach(VM, "vmi1");
        assertThat(allocated()).containsExactly(a);
        attacher().detach(VM, "vmi0");
    }

    @Test
    void detachRemovesTheInterfaceFreesTheAddressAndMayBeRepeated() {
        attacher().attach(VM, "vmi0");
        attacher().detach(VM, "vmi0");
        assertThat(pod().findLink("vmi0")).isEmpty();
        assertThat(allocated()).isEmpty();
        attacher().detach(VM, "vmi0");
        attacher().detach(VM, "vmi7"); // never attached
        assertThat(allocated()).isEmpty();
    }

    @Test
    void checkPassesWhileAttachedAndFailsAfterwards() {
        attacher().attach(VM, "vmi0");
        attacher().check(VM, "vmi0");
        attacher().detach(VM, "vmi0");
        assertThatThrownBy(() -> attacher().check(VM, "vmi0")).isInstanceOf(CniException.class).hasMessageContaining("vmi0");
        assertThatThrownBy(() -> attacher().check(VM, "vmi5")).isInstanceOf(CniException.class);
    }

    @Test
    void detachAfterThePodIsGoneStillFreesTheAddress() {
        attacher().attach(VM, "vmi0");
        deletePod();
        attacher().detach(VM, "vmi0");
        assertThat(allocated()).isEmpty();
    }

    @Test
    void anAttachAfterADetachStartsAfresh() {
        attacher().attach(VM, "vmi0");
        attacher().detach(VM, "vmi0");
        CniResult again = attacher().attach(VM, "vmi0");
        assertThat(allocated()).containsExactly(address(again));
        attacher().detach(VM, "vmi0");
    }
}
