package greater.transformer.train;

/**
 * One training sequence: token ids and which of them the loss predicts. {@code predict[i]} means
 * "score the model's prediction of ids[i] from ids[0..i-1]" (so {@code predict[0]} is always
 * false); in a chat example these are the assistant's reply and its end-of-turn token.
 */
public record TrainingSequence(int[] ids, boolean[] predict) {
    public TrainingSequence {
        if (ids.length != predict.length) throw new IllegalArgumentException(ids.length + " ids, " + predict.length + " mask entries");
        if (ids.length > 0 && predict[0]) throw new IllegalArgumentException("the first token has no context to be predicted from");
    }

    public int length() {
        return ids.length;
    }

    /** Number of predicted tokens. */
    public int predicted() {
        int n = 0;
        for (boolean p : predict) if (p) n++;
        return n;
    }

    /** Concatenates parts, each with its own flag (true = predict every token of that part). */
    public static TrainingSequence of(int[][] parts, boolean[] predictPart) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] ids = new int[n];
        boolean[] predict = new boolean[n];
        int at = 0;
        for (int k = 0; k < parts.length; k++) {
            System.arraycopy(parts[k], 0, ids, at, parts[k].length);
            if (predictPart[k]) java.util.Arrays.fill(predict, at, at + parts[k].length, true);
            at += parts[k].length;
        }
        if (n > 0) predict[0] = false;
        return new TrainingSequence(ids, predict);
    }
}
