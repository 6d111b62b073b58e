package dev.podnic.binding.dhcp;

import dev.podnic.binding.plan.GuestRoute;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * DHCP option 121, classless static routes (RFC 3442): per route, the prefix width, the
 * significant octets of the destination, and the router (0.0.0.0 for an on-link route).
 */
public final class ClasslessRoutes {
    private ClasslessRoutes() {
    }

    /** The option's value bytes (without code and length). */
    public static byte[] encode(List<GuestRoute> routes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (GuestRoute r : routes) {
            int width = r.destination().prefixLength();
            out.write(width);
            out.write(r.destination().network().address().getAddress(), 0, (width + 7) / 8);
            out.write(r.onLink() ? new byte[4] : r.gateway().getAddress(), 0, 4);
        }
        return out.toByteArray();
    }

    /** dnsmasq's notation: "dst/len,router,dst/len,router,...". */
    public static String dnsmasq(List<GuestRoute> routes) {
        return routes.stream().map(r -> r.destination().network() + "," + (r.onLink() ? "0.0.0.0" : r.gateway().getHostAddress()))
                .collect(Collectors.joining(","));
    }
}
