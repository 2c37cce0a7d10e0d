package dev.flotilla.kv;

import static dev.flotilla.kv.KvServerClusterTest.get;
import static dev.flotilla.kv.KvServerClusterTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvServerQuorumLossTest {
    @TempDir
    Path dir;

    @Test
    void withoutAQuorumWritesFailAsUnavailableWithRetryGuidanceAndSucceedOnceItIsBack() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            long leader = cluster.awaitLeader();
            cluster.kv(leader).put(put("before", "1"));
            for (long id = 1; id <= 3; id++) {
                if (id != leader) {
                    cluster.stop(id);
                }
            }
            long survivor = leader;
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class, () -> cluster.kv(survivor).put(put("noquorum", "v")));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            RetryInfo retry = StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
            assertTrue(retry.getRetryDelay().getSeconds() > 0
                    || retry.getRetryDelay().getNanos() > 0);

            for (long id = 1; id <= 3; id++) {
                if (id != survivor) {
                    cluster.start(id);
                }
            }
            leader = cluster.awaitLeader();
            long follower = leader == 1 ? 2 : 1;
            cluster.kv(follower).put(put("after", "2"));
            assertEquals(
                    "1",
                    cluster.kv(follower)
                            .range(get("before"))
                            .getKvs(0)
                            .getValue()
                            .toStringUtf8());
            assertEquals(
                    "2",
                    cluster.kv(leader).range(get("after")).getKvs(0).getValue().toStringUtf8());
        }
    }
}
