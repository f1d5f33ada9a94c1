package greater.optimizer.greater;

import greater.optimizer.task.Example;

import java.util.Set;

/**
 * A character-level prompt format for tests: ids 0..25 = 'a'..'z', then ' ', '.', ',', '_', '$',
 * '0'..'9', '-', and two specials: SEP (turn boundary) and EOS.
 */
final class CharFormat implements PromptFormat {
    static final String CHARS = "abcdefghijklmnopqrstuvwxyz .,_$0123456789-";
    static final int SEP = CHARS.length(), EOS = CHARS.length() + 1, VOCAB = CHARS.length() + 2;

    @Override
    public SampleLayout layout(Example example, String extractor) {
        int[] prefix = Sample.concat(new int[]{SEP}, encode(example.question().toLowerCase() + ". use"));
        int[] head = encode(" " + extractor);
        int[] target = Sample.concat(head, encode(example.answer()));
        return new SampleLayout(example, prefix, new int[]{SEP}, target, head.length);
    }

    @Override
    public int[] encodePrompt(String prompt) {
        return encode(" " + prompt);
    }

    @Override
    public String decodePrompt(int[] ids) {
        return decode(ids).substring(1);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) if (id < CHARS.length()) sb.append(CHARS.charAt(id));
        return sb.toString();
    }

    @Override
    public int[] encode(String text) {
        int[] out = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int id = CHARS.indexOf(text.charAt(i));
            if (id < 0) throw new IllegalArgumentException("no token for '" + text.charAt(i) + "'");
            out[i] = id;
        }
        return out;
    }

    @Override
    public boolean isAllowedCandidate(int id) {
        return id < 29; // letters, space, '.', ','
    }

    @Override
    public int fillerToken() {
        return CHARS.indexOf('_');
    }

    @Override
    public Set<Integer> stopIds() {
        return Set.of(EOS);
    }
}
