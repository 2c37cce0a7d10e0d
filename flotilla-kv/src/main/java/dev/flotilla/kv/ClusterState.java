package dev.flotilla.kv;

/** Whether a node starts a new cluster or joins one that runs already (etcd's {@code initial-cluster-state}). */
public enum ClusterState {
    /** Every node of {@code initial-cluster} starts the first range together, with those members. */
    NEW,
    /**
     * The node was added with MemberAdd and joins the running cluster: it starts the first range with an empty log and
     * learns everything, members included, from the leader.
     */
    EXISTING
}
