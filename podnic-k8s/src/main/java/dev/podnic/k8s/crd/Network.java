package dev.podnic.k8s.crd;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** {@code spec.networks[]}: podnic binds to the pod network only ({@code pod: {}}). */
public class Network {
    @Required
    @Pattern(VmiInterface.NAME_PATTERN)
    private String name;
    @Required
    private VmiInterface.Binding pod;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public VmiInterface.Binding getPod() {
        return pod;
    }

    public void setPod(VmiInterface.Binding pod) {
        this.pod = pod;
    }
}
