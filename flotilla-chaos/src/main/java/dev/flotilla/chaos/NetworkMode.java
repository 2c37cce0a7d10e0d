package dev.flotilla.chaos;

/** How a run cuts the network between nodes: {@code --network netns|proxy|auto}. */
public enum NetworkMode {
    /** Network namespaces, veths and iptables ({@link NamespaceNetwork}); needs root. */
    NETNS,
    /** TCP proxies in the chaos process ({@link ProxyNetwork}); needs nothing. */
    PROXY,
    /** Namespaces when this host allows them, else proxies. */
    AUTO
}
