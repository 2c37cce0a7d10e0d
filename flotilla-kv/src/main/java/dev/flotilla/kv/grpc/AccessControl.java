package dev.flotilla.kv.grpc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.auth.AuthMessages;
import dev.flotilla.kv.auth.AuthView;
import dev.flotilla.kv.auth.Tokens;
import dev.flotilla.kv.etcd.authpb.Permission;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import java.util.Optional;

/**
 * etcd's access rules, checked on the node that receives a request, against the auth state it has applied, before
 * the request becomes a Raft entry or a read: when auth is off, everything is allowed; when it is on, the caller is
 * the user its token names, or the common name of its TLS certificate when {@code client-cert-auth} is on and no
 * token was sent. A request that needs a user and has none fails with etcd's {@code user name is empty}, a bad or
 * expired token with {@code invalid auth token} (UNAUTHENTICATED), a key outside the user's roles with {@code
 * permission denied}.
 *
 * <p>Call the checks on the thread that runs the call's handler: they read the caller from the gRPC context. The
 * checks use whatever auth state has been applied at that moment (see docs/etcd-compatibility.md on the window
 * between a check and the write it allows).
 */
final class AccessControl {
    private final KvStore store;
    private final Tokens tokens;
    private final boolean certificateIdentity;

    /** @param certificateIdentity whether a verified client certificate's CN names the user (client-cert-auth) */
    AccessControl(KvStore store, Tokens tokens, boolean certificateIdentity) {
        this.store = store;
        this.tokens = tokens;
        this.certificateIdentity = certificateIdentity;
    }

    AuthView auth() {
        return store.auth(RangeMap.FIRST_RANGE);
    }

    /** The user the current call acts as; empty when auth is off. */
    Optional<String> user() {
        return user(auth());
    }

    private Optional<String> user(AuthView auth) {
        if (!auth.enabled()) {
            return Optional.empty();
        }
        return Optional.of(identify(auth).orElseThrow(() -> EtcdErrors.invalidArgument(AuthMessages.USER_EMPTY)));
    }

    /** The user the caller's credentials name, if it sent any; a token that is not good fails the call. */
    private Optional<String> identify(AuthView auth) {
        Caller caller = Caller.current();
        if (caller.token().isPresent()) {
            return Optional.of(tokens.verify(auth, caller.token().get()).orElseThrow(EtcdErrors::invalidAuthToken));
        }
        return certificateIdentity ? caller.certificateName() : Optional.empty();
    }

    /**
     * A token a node can attach when it sends the current call on to the leader, so that the leader checks the same
     * user: empty when auth is off or the caller sent no credentials. Minted here, so it works for certificate users
     * too.
     */
    Optional<String> forwardingToken() {
        AuthView auth = auth();
        if (!auth.enabled()) {
            return Optional.empty();
        }
        return identify(auth).flatMap(auth::user).map(user -> tokens.issue(auth, user));
    }

    void requireRoot() {
        AuthView auth = auth();
        user(auth).ifPresent(user -> {
            if (!auth.isRoot(user)) {
                throw EtcdErrors.permissionDenied();
            }
        });
    }

    void requireRead(KeySpan span) {
        require(Permission.Type.READ, span);
    }

    void requireWrite(KeySpan span) {
        require(Permission.Type.WRITE, span);
    }

    private void require(Permission.Type type, KeySpan span) {
        AuthView auth = auth();
        user(auth).ifPresent(user -> check(auth, user, type, span));
    }

    void checkRange(RangeRequest request) {
        requireRead(KeySpan.of(request.getKey(), request.getRangeEnd()));
    }

    void checkPut(PutRequest request) {
        AuthView auth = auth();
        user(auth).ifPresent(user -> checkPut(auth, user, request));
    }

    void checkDeleteRange(DeleteRangeRequest request) {
        AuthView auth = auth();
        user(auth).ifPresent(user -> checkDeleteRange(auth, user, request));
    }

    /** Every compare and every op of both branches, nested Txns included, whichever branch would run. */
    void checkTxn(TxnRequest request) {
        AuthView auth = auth();
        user(auth).ifPresent(user -> checkTxn(auth, user, request));
    }

    private static void checkTxn(AuthView auth, String user, TxnRequest request) {
        for (Compare compare : request.getCompareList()) {
            check(auth, user, Permission.Type.READ, KeySpan.of(compare.getKey(), compare.getRangeEnd()));
        }
        for (RequestOp op : request.getSuccessList()) {
            checkOp(auth, user, op);
        }
        for (RequestOp op : request.getFailureList()) {
            checkOp(auth, user, op);
        }
    }

    private static void checkOp(AuthView auth, String user, RequestOp op) {
        switch (op.getRequestCase()) {
            case REQUEST_RANGE ->
                check(
                        auth,
                        user,
                        Permission.Type.READ,
                        KeySpan.of(
                                op.getRequestRange().getKey(),
                                op.getRequestRange().getRangeEnd()));
            case REQUEST_PUT -> checkPut(auth, user, op.getRequestPut());
            case REQUEST_DELETE_RANGE -> checkDeleteRange(auth, user, op.getRequestDeleteRange());
            case REQUEST_TXN -> checkTxn(auth, user, op.getRequestTxn());
            case REQUEST_NOT_SET -> {}
        }
    }

    private static void checkPut(AuthView auth, String user, PutRequest request) {
        KeySpan key = KeySpan.of(request.getKey(), ByteString.EMPTY);
        check(auth, user, Permission.Type.WRITE, key);
        if (request.getPrevKv()) {
            check(auth, user, Permission.Type.READ, key);
        }
    }

    private static void checkDeleteRange(AuthView auth, String user, DeleteRangeRequest request) {
        KeySpan span = KeySpan.of(request.getKey(), request.getRangeEnd());
        check(auth, user, Permission.Type.WRITE, span);
        if (request.getPrevKv()) {
            check(auth, user, Permission.Type.READ, span);
        }
    }

    private static void check(AuthView auth, String user, Permission.Type type, KeySpan span) {
        if (!auth.permits(user, type, span)) {
            throw EtcdErrors.permissionDenied();
        }
    }
}
