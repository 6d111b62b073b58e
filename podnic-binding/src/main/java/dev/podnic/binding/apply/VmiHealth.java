package dev.podnic.binding.apply;

import java.util.List;
import java.util.Map;

/**
 * What is wrong with each vNIC of a VM that was brought up (the health a CNI CHECK reports for an
 * ordinary attachment); every list is empty when the VM's networking is as podnic left it.
 *
 * @param problems per VMI interface, in vNIC order
 */
public record VmiHealth(String namespace, String name, Map<String, List<String>> problems) {

    public VmiHealth {
        problems = Map.copyOf(problems);
    }

    public boolean healthy() {
        return problems.values().stream().allMatch(List::isEmpty);
    }
}
