package dev.podnic.inet;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An address with prefix length, as CNI writes it ("10.1.0.5/24", "fd00::5/64"). The address is
 * kept as given (not masked), like Go's net.IPNet in CNI results.
 */
public record IpNet(InetAddress address, int prefixLength) {

    public IpNet {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + max);
        }
    }

    /** Parses "ADDRESS/PREFIX"; never resolves host names. */
    public static IpNet parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not ADDRESS/PREFIX");
        }
        InetAddress ip = IpLiteral.parse(text.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" has no numeric prefix length");
        }
        return new IpNet(ip, prefix);
    }

    /** The prefix with host bits cleared: 10.1.2.3/24 gives 10.1.2.0/24. */
    public IpNet network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int bits = Math.max(0, Math.min(8, prefixLength - 8 * i));
            b[i] &= (byte) (0xff << (8 - bits));
        }
        try {
            return new IpNet(InetAddress.getByAddress(b), prefixLength);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code a} (of the same family) lies in this prefix. */
    public boolean contains(InetAddress a) {
        return a.getAddress().length == address.getAddress().length
                && network().equals(new IpNet(a, prefixLength).network());
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return IpLiteral.format(address) + "/" + prefixLength;
    }
}
