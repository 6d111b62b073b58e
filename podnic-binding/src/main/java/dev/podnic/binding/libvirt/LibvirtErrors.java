package dev.podnic.binding.libvirt;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;

/**
 * libvirt prints every error to stderr unless an error callback is set, also the ones podnic
 * expects and handles (a domain that already powered off). podnic gets them as LibvirtException
 * anyway, so the callback does nothing.
 */
public final class LibvirtErrors {
    /** Held here so JNA's native callback is never garbage-collected. */
    private static final Libvirt.VirErrorCallback SILENT = (data, error) -> { };

    private LibvirtErrors() {
    }

    public static void quiet() {
        try {
            Connect.setErrorCallback(SILENT);
        } catch (LibvirtException e) {
            // printing stays on; nothing else changes
        }
    }
}
