package ai.mint.engine.safetensors;

import java.util.Locale;

/** The element types a safetensors header may name, with their width in bytes. */
public enum DType {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true), F8_E4M3(1, true), F8_E5M2(1, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false), U8(1, false), BOOL(1, false);

    private final int bytes;
    private final boolean floating;

    DType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return floating;
    }

    /** Parses a header dtype string; unknown names raise a {@link SafetensorsException} naming the tensor. */
    public static DType parse(String name, String tensor) {
        try {
            return DType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SafetensorsException("tensor '" + tensor + "' has unknown dtype '" + name
                    + "' (supported: F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, U8, BOOL)");
        }
    }
}
