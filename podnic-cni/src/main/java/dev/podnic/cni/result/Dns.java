package dev.podnic.cni.result;

import java.util.List;

/** DNS settings from a result; empty lists and a null domain mean "not set". */
public record Dns(List<String> nameservers, String domain, List<String> search, List<String> options) {
    public static final Dns EMPTY = new Dns(List.of(), null, List.of(), List.of());

    public Dns {
        nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
        search = search == null ? List.of() : List.copyOf(search);
        options = options == null ? List.of() : List.copyOf(options);
    }

    public boolean isEmpty() {
        return nameservers.isEmpty() && domain == null && search.isEmpty() && options.isEmpty();
    }
}
