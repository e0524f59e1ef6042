package ai.mint.catalog.query;

import com.sun.net.httpserver.BasicAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The query API's one credential ({@code USER:PASSWORD}), checked in constant time so timing does not leak it. */
final class BasicCredentials extends BasicAuthenticator {

    private final byte[] expected;

    BasicCredentials(String userInfo) {
        super("mint-catalog", StandardCharsets.UTF_8);
        this.expected = userInfo.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        byte[] given = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }
}
