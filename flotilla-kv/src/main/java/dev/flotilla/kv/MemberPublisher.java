package dev.flotilla.kv;

import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.MemberRecord;
import dev.flotilla.runtime.RaftNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this node's name and client URL into the member table, as an etcd member does when it starts. A member
 * added with MemberAdd has a row with its peer URLs only (listed as unstarted); once this node has learned that row
 * from the log, it proposes the row with its name and client URL, retrying until the row says so. A member of the
 * initial cluster already has both from the configuration and publishes nothing.
 */
final class MemberPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberPublisher.class);
    private static final long PERIOD_MS = 500;

    private final ScheduledExecutorService timer;

    private MemberPublisher(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static MemberPublisher start(ServerConfig config, ClusterDirectory directory, RaftNode node) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "flotilla-member-publisher");
            thread.setDaemon(true);
            return thread;
        });
        String clientUrl = config.member(config.nodeId()).orElseThrow().clientUrl(config.clientScheme());
        String name = ClusterDirectory.nameOf(config.nodeId());
        Runnable attempt = () -> {
            Optional<MemberRecord> published = directory.member(config.nodeId());
            if (published.isEmpty() || isPublished(published.get(), name, clientUrl)) {
                return;
            }
            MemberRecord row = published.get().toBuilder()
                    .setName(name)
                    .clearClientUrls()
                    .addClientUrls(clientUrl)
                    .build();
            try {
                node.propose(
                                RangeMap.FIRST_RANGE,
                                Command.newBuilder().setMember(row).build().toByteArray())
                        .get(config.raft().requestTimeoutMs() * 2, TimeUnit.MILLISECONDS);
                LOG.info("node {} published its name {} and client URL {}", config.nodeId(), name, clientUrl);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("node {}: publishing its client URL failed, will retry: {}", config.nodeId(), e.toString());
            }
        };
        timer.scheduleWithFixedDelay(attempt, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        return new MemberPublisher(timer);
    }

    private static boolean isPublished(MemberRecord row, String name, String clientUrl) {
        return row.getName().equals(name) && row.getClientUrlsList().equals(List.of(clientUrl));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
