package dev.flotilla.kv.auth;

/** etcd's messages for auth errors, which clients match on (clientv3 maps them to typed errors). */
public final class AuthMessages {
    public static final String ROOT_USER_NOT_EXIST = "etcdserver: root user does not exist";
    public static final String ROOT_ROLE_NOT_EXIST = "etcdserver: root user does not have root role";
    public static final String USER_ALREADY_EXIST = "etcdserver: user name already exists";
    public static final String USER_EMPTY = "etcdserver: user name is empty";
    public static final String USER_NOT_FOUND = "etcdserver: user name not found";
    public static final String ROLE_ALREADY_EXIST = "etcdserver: role name already exists";
    public static final String ROLE_NOT_FOUND = "etcdserver: role name not found";
    public static final String ROLE_EMPTY = "etcdserver: role name is empty";
    public static final String AUTH_FAILED = "etcdserver: authentication failed, invalid user ID or password";
    public static final String PERMISSION_DENIED = "etcdserver: permission denied";
    public static final String ROLE_NOT_GRANTED = "etcdserver: role is not granted to the user";
    public static final String PERMISSION_NOT_GRANTED = "etcdserver: permission is not granted to the role";
    public static final String AUTH_NOT_ENABLED = "etcdserver: authentication is not enabled";
    public static final String INVALID_AUTH_TOKEN = "etcdserver: invalid auth token";
    public static final String INVALID_AUTH_MGMT = "etcdserver: invalid auth management";

    private AuthMessages() {}
}
