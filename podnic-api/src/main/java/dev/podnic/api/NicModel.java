package dev.podnic.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** NIC models a VM may use; the names are libvirt's {@code <model type=...>}. */
public enum NicModel {
    VIRTIO("virtio"), E1000("e1000"), E1000E("e1000e"), IGB("igb"), NE2K_PCI("ne2k_pci"), PCNET("pcnet"), RTL8139("rtl8139");

    private final String libvirtName;

    NicModel(String libvirtName) {
        this.libvirtName = libvirtName;
    }

    public static Optional<NicModel> find(String name) {
        return Arrays.stream(values()).filter(m -> m.libvirtName.equals(name)).findFirst();
    }

    public static String accepted() {
        return Arrays.stream(values()).map(NicModel::libvirtName).collect(Collectors.joining(", "));
    }

    public String libvirtName() {
        return libvirtName;
    }

    @Override
    public String toString() {
        return libvirtName;
    }
}
