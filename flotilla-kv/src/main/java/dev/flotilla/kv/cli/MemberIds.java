package dev.flotilla.kv.cli;

/** Member ids on the command line: unsigned 64-bit, printed in decimal, read in decimal or as {@code 0x} hex. */
final class MemberIds {
    private MemberIds() {}

    static String format(long id) {
        return Long.toUnsignedString(id);
    }

    /** @throws IllegalArgumentException with a message for the user if {@code text} is not an id */
    static long parse(String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X")
                    ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a member id: write it in decimal, or in hex with 0x (0x8e9e05c52164694d)");
        }
    }
}
