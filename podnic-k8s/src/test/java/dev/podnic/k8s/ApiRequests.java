package dev.podnic.k8s;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.Set;
import java.util.TreeSet;

/** Turns API requests into RBAC terms ("group/resource:verb") and a ClusterRole into the same. */
public final class ApiRequests {
    private ApiRequests() {
    }

    /** E.g. {@code PUT /apis/podnic.dev/v1alpha1/namespaces/a/virtualmachineinstances/vm/status} → {@code podnic.dev/virtualmachineinstances/status:update}. */
    public static String permission(String method, String pathAndQuery) {
        String path = pathAndQuery.replaceFirst("\\?.*", "");
        boolean watch = pathAndQuery.contains("watch=true");
        String[] p = path.substring(1).split("/");
        String group = p[0].equals("api") ? "" : p[1];
        int i = p[0].equals("api") ? 2 : 3;
        if (i < p.length && p[i].equals("namespaces") && i + 2 < p.length) {
            i += 2;
        }
        String resource = p[i];
        boolean named = i + 1 < p.length;
        if (i + 2 < p.length) {
            resource += "/" + p[i + 2];
        }
        String verb = switch (method) {
            case "GET" -> named ? "get" : watch ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> throw new IllegalArgumentException(method);
        };
        return group + "/" + resource + ":" + verb;
    }

    public static Set<String> granted(ClusterRole role) {
        return granted(role.getRules());
    }

    public static Set<String> granted(io.fabric8.kubernetes.api.model.rbac.Role role) {
        return granted(role.getRules());
    }

    private static Set<String> granted(java.util.List<PolicyRule> rules) {
        Set<String> out = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String g : rule.getApiGroups()) {
                for (String r : rule.getResources()) {
                    for (String v : rule.getVerbs()) {
                        out.add(g + "/" + r + ":" + v);
                    }
                }
            }
        }
        return out;
    }
}
