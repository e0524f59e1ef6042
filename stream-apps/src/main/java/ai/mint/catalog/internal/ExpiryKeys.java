package ai.mint.catalog.internal;

import ai.mint.common.catalog.CatalogKeys;

/**
 * Keys of the expiry index, {@code EXPIRES_AT@POLICY@REVISION} with the time zero-padded, so that the store's key
 * order is expiry order and everything due by a time is one range from the start.
 */
final class ExpiryKeys {

    private static final int DIGITS = 13;

    private ExpiryKeys() {
    }

    static String of(long expiresAtMillis, String policyId, String revision) {
        return String.format("%0" + DIGITS + "d", expiresAtMillis) + CatalogKeys.SEPARATOR
                + CatalogKeys.revisionKey(policyId, revision);
    }

    /** The largest key of everything due at or before {@code nowMillis}. */
    static String dueBy(long nowMillis) {
        return String.format("%0" + DIGITS + "d", nowMillis) + (char) (CatalogKeys.SEPARATOR + 1);
    }

    /** {@code POLICY@REVISION} of an expiry key. */
    static String revisionKeyOf(String expiryKey) {
        return CatalogKeys.suffixOf(expiryKey);
    }
}
