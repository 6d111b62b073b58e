package dev.podnic.binding.libvirt;

import dev.podnic.binding.domain.Domains;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** Domains of a libvirtd (the pod's), reached by URI for each call. */
public final class LibvirtDomains implements Domains {
    private final String uri;

    public LibvirtDomains(String uri) {
        this.uri = uri;
    }

    /** Looked up among the running domains, so an absent one is no error (and prints none). */
    @Override
    public boolean destroy(String name) {
        LibvirtErrors.quiet();
        try {
            Connect c = new Connect(uri);
            try {
                for (int id : c.listDomains()) {
                    Domain d = c.domainLookupByID(id);
                    if (d.getName().equals(name)) {
                        d.destroy();
                        return true;
                    }
                }
                return false;
            } finally {
                c.close();
            }
        } catch (LibvirtException e) {
            return false; // no libvirtd any more: its domains went with it
        }
    }
}
