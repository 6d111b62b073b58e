package dev.podnic.node.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodCgroupTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        cgroup v2, systemd driver | 0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod6a2c4c2e_1d55_4e3f_9f51_6e0c1f3a2b7d.slice/cri-containerd-3f1a.scope
        cgroup v2, cgroupfs       | 0::/kubepods/burstable/pod6a2c4c2e-1d55-4e3f-9f51-6e0c1f3a2b7d/3f1a2b3c
        guaranteed, systemd       | 0::/kubepods.slice/kubepods-pod6a2c4c2e_1d55_4e3f_9f51_6e0c1f3a2b7d.slice/cri-containerd-3f1a.scope
        """)
    void thePodUidIsReadWithEitherCgroupDriver(String title, String line) {
        assertThat(PodCgroup.podUid(line)).as(title).contains("6a2c4c2e-1d55-4e3f-9f51-6e0c1f3a2b7d");
    }

    @Test
    void cgroupV1ListsManyHierarchies() {
        String v1 = "12:memory:/kubepods/besteffort/pod6a2c4c2e-1d55-4e3f-9f51-6e0c1f3a2b7d/3f1a\n"
                + "11:cpu,cpuacct:/kubepods/besteffort/pod6a2c4c2e-1d55-4e3f-9f51-6e0c1f3a2b7d/3f1a\n0::/\n";
        assertThat(PodCgroup.podUid(v1)).contains("6a2c4c2e-1d55-4e3f-9f51-6e0c1f3a2b7d");
    }

    @Test
    void aProcessOutsideAnyPodHasNoPod() {
        assertThat(PodCgroup.podUid("0::/user.slice/user-0.slice/session-1.scope\n")).isEmpty();
        assertThat(PodCgroup.podUid("0::/system.slice/podnic.service\n")).isEmpty();
        assertThat(PodCgroup.podUid("0::/kubepods/besteffort/podnot-a-uid/x\n")).isEmpty();
        assertThat(PodCgroup.podUid("")).isEmpty();
    }
}
