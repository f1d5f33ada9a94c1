package greater.transformer.tokenizer;

/**
 * What a split does with the delimiters it finds, HF's {@code SplitDelimiterBehavior}. Splitting
 * {@code "the-final--countdown"} on {@code '-'}:
 * <ul>
 *   <li>REMOVED: {@code the, final, countdown}</li>
 *   <li>ISOLATED: {@code the, -, final, -, -, countdown}</li>
 *   <li>MERGED_WITH_PREVIOUS: {@code the-, final-, -, countdown}</li>
 *   <li>MERGED_WITH_NEXT: {@code the, -final, -, -countdown}</li>
 *   <li>CONTIGUOUS: {@code the, -, final, --, countdown}</li>
 * </ul>
 */
enum SplitBehavior {
    REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

    static SplitBehavior fromJson(String name, String where) {
        return switch (name) {
            case "Removed" -> REMOVED;
            case "Isolated" -> ISOLATED;
            case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> MERGED_WITH_NEXT;
            case "Contiguous" -> CONTIGUOUS;
            default -> throw new TokenizerException(where + ": unknown split behavior \"" + name
                    + "\" (supported: Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
        };
    }

    /**
     * Turns matches (packed start/end pairs, sorted, non-overlapping) in a string of
     * {@code length} chars into the pieces to keep, packed start/end pairs. Follows HF's
     * {@code NormalizedString::split}; empty pieces are left for the caller to drop.
     */
    int[] pieces(int length, int[] matches, boolean invert) {
        // 1. The covering list of (start, end, isMatch), as HF's Pattern::find_matches builds it.
        IntList cover = new IntList(matches.length * 2 + 6);
        if (length == 0) {
            cover.add(0);
            cover.add(0);
            cover.add(invert ? 1 : 0);
        } else {
            int prev = 0;
            for (int k = 0; k < matches.length; k += 2) {
                if (prev != matches[k]) {
                    cover.add(prev);
                    cover.add(matches[k]);
                    cover.add(invert ? 1 : 0);
                }
                cover.add(matches[k]);
                cover.add(matches[k + 1]);
                cover.add(invert ? 0 : 1);
                prev = matches[k + 1];
            }
            if (prev != length) {
                cover.add(prev);
                cover.add(length);
                cover.add(invert ? 1 : 0);
            }
        }
        int n = cover.size() / 3;
        IntList out = new IntList(n * 2);
        switch (this) {
            case ISOLATED -> {
                for (int i = 0; i < n; i++) {
                    out.add(cover.get(3 * i));
                    out.add(cover.get(3 * i + 1));
                }
            }
            case REMOVED -> {
                for (int i = 0; i < n; i++) {
                    if (cover.get(3 * i + 2) == 0) {
                        out.add(cover.get(3 * i));
                        out.add(cover.get(3 * i + 1));
                    }
                }
            }
            case CONTIGUOUS, MERGED_WITH_PREVIOUS -> {
                int[] buf = new int[n * 2];
                int m = 0;
                boolean previousMatch = false;
                for (int i = 0; i < n; i++) {
                    boolean isMatch = cover.get(3 * i + 2) == 1;
                    boolean extend = this == CONTIGUOUS ? isMatch == previousMatch
                            : isMatch && !previousMatch;
                    if (extend && m > 0) {
                        buf[2 * m - 1] = cover.get(3 * i + 1);
                    } else {
                        buf[2 * m] = cover.get(3 * i);
                        buf[2 * m + 1] = cover.get(3 * i + 1);
                        m++;
                    }
                    previousMatch = isMatch;
                }
                out.addRange(buf, 0, 2 * m);
            }
            case MERGED_WITH_NEXT -> {
                int[] buf = new int[n * 2];
                int m = 0;
                boolean previousMatch = false;
                for (int i = n - 1; i >= 0; i--) {
                    boolean isMatch = cover.get(3 * i + 2) == 1;
                    if (isMatch && !previousMatch && m > 0) {
                        buf[2 * (m - 1)] = cover.get(3 * i);
                    } else {
                        buf[2 * m] = cover.get(3 * i);
                        buf[2 * m + 1] = cover.get(3 * i + 1);
                        m++;
                    }
                    previousMatch = isMatch;
                }
                for (int i = m - 1; i >= 0; i--) {
                    out.add(buf[2 * i]);
                    out.add(buf[2 * i + 1]);
                }
            }
        }
        return out.toArray();
    }
}
