package dev.flotilla.bench.snapshot;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** Sizes such as {@code 5g}, {@code 64m}, {@code 512k} or plain bytes (binary units). */
final class ByteSizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        int shift =
                switch (text.isEmpty() ? ' ' : text.charAt(text.length() - 1)) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    default -> 0;
                };
        String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        return Long.parseLong(digits) << shift;
    }
}
