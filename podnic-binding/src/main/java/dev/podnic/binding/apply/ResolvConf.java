package dev.podnic.binding.apply;

import dev.podnic.inet.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The nameservers and search domains of a resolv.conf (the pod's DNS, the guest's fallback). */
public record ResolvConf(List<InetAddress> nameservers, List<String> search) {

    public static ResolvConf read(Path file) {
        List<InetAddress> ns = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return new ResolvConf(List.of(), List.of());
        }
        for (String line : lines) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) {
                try {
                    InetAddress a = IpLiteral.parse(f[1]);
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        ns.add(a); // a loopback or link-local resolver is the pod's own, unreachable from the guest
                    }
                } catch (IllegalArgumentException ignored) {
                    // not an address podnic can hand out
                }
            } else if (f.length >= 2 && f[0].equals("search")) {
                search.clear();
                search.addAll(List.of(f).subList(1, f.length));
            }
        }
        return new ResolvConf(ns, search);
    }
}
