package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VmiStatus;

/**
 * Frees one vNIC's pod-network interface on its node (a CNI DEL through the node daemon). Must be
 * idempotent: the controller calls it again after a failure, and for interfaces already gone.
 */
@FunctionalInterface
public interface InterfaceReleaser {
    void release(String namespace, String vmiName, String vmiUid, VmiStatus.InterfaceStatus iface) throws Exception;
}
