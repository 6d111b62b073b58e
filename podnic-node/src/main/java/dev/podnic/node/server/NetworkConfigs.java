package dev.podnic.node.server;

import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.node.ledger.LedgerEntry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CNI networks the daemon runs, parsed once: as configured now (an ADD uses that; re-read only
 * when a configuration file changed) and as each attachment recorded it (its DEL must run the
 * configuration its ADD ran, whatever the directory says today).
 */
final class NetworkConfigs {
    private final ConfigDirectory directory;
    private final Map<String, NetworkConfigList> current = new ConcurrentHashMap<>();
    private final Map<String, NetworkConfigList> recorded = new ConcurrentHashMap<>();

    NetworkConfigs(ConfigDirectory directory) {
        this.directory = directory;
    }

    /** The network {@code name} as configured now. */
    NetworkConfigList current(String name) {
        String key = name + "@" + directory.fingerprint();
        NetworkConfigList cached = current.get(key);
        if (cached != null) {
            return cached;
        }
        NetworkConfigList fresh = directory.load(name);
        current.keySet().removeIf(k -> k.startsWith(name + "@"));
        current.put(key, fresh);
        return fresh;
    }

    /** The network as it was configured when {@code e} was added (parsed once per distinct configuration). */
    NetworkConfigList recorded(LedgerEntry e) {
        return recorded.computeIfAbsent(e.config().toString(), text -> new ConfigParser()
                .parseAny(text.getBytes(StandardCharsets.UTF_8), "ledger:" + e.key()));
    }
}
