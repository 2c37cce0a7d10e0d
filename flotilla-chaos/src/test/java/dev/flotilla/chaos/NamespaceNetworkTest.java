package dev.flotilla.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Runs as root only (CI may not be): namespaces are the host's, and only root can make them. */
class NamespaceNetworkTest {
    private static String namespaces() throws InterruptedException {
        return HostCommand.run(List.of("ip", "netns", "list"));
    }

    private static String links() throws InterruptedException {
        return HostCommand.run(List.of("ip", "-o", "link", "show"));
    }

    @Test
    void leftoversOfACrashedRunAreRemovedAndTheRunRemovesItsOwn() throws Exception {
        assumeTrue(NamespaceNetwork.available(), "needs root with ip netns and iptables");
        // What a run killed mid-way leaves: a namespace and a link with the run's prefixes.
        HostCommand.run(List.of("ip", "netns", "add", "flotilla-chaos-9"));
        HostCommand.run(List.of("ip", "link", "add", "fchaos-x9", "type", "veth", "peer", "name", "fchaos-y9"));
        try (NamespaceNetwork network = NamespaceNetwork.create(3)) {
            assertFalse(namespaces().contains("flotilla-chaos-9"), namespaces());
            assertFalse(links().contains("fchaos-x9"), links());
            for (int node = 1; node <= 3; node++) {
                assertTrue(namespaces().contains("flotilla-chaos-" + node), namespaces());
            }
            network.cut(Set.of(new Link(1, 2)));
            String rules =
                    HostCommand.run(List.of("ip", "netns", "exec", "flotilla-chaos-1", "iptables", "-S", "OUTPUT"));
            assertTrue(rules.contains("-A OUTPUT -d 10.201.0.2/32 -j DROP"), rules);
            network.cut(Set.of());
            rules = HostCommand.run(List.of("ip", "netns", "exec", "flotilla-chaos-1", "iptables", "-S", "OUTPUT"));
            assertFalse(rules.contains("DROP"), rules);
        }
        assertFalse(namespaces().contains("flotilla-chaos-"), namespaces());
        assertEquals(
                List.of(),
                List.of(links().split("\n")).stream()
                        .filter(line -> line.contains(": fchaos-"))
                        .toList());
    }
}
