package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.CrossEntropy;

/**
 * Mean cross-entropy {@code -log softmax(logits_r)[target_r]} over the rows whose target is
 * not negative (negative = ignored, like PyTorch's ignore_index). logits [R, V] → scalar [1].
 */
public final class CrossEntropyLoss {
    private CrossEntropyLoss() {
    }

    public static Tensor apply(Tensor logits, int[] targets) {
        int rows = logits.shape().rows(), cols = logits.dim(-1);
        if (targets.length != rows) throw new IllegalArgumentException("CrossEntropyLoss: " + rows + " rows, " + targets.length + " targets");
        int counted = 0;
        for (int t : targets) {
            if (t >= cols) throw new IllegalArgumentException("target " + t + " outside [0, " + cols + ")");
            if (t >= 0) counted++;
        }
        if (counted == 0) throw new IllegalArgumentException("CrossEntropyLoss: every target is ignored");
        float[] ls = logits.data();
        float[] rowLoss = new float[rows];
        float[] stats = Tape.needsGrad(logits) ? new float[2 * rows] : null; // each row's max and log-sum, for backward
        float sum = CrossEntropy.crossEntropyRows(rowLoss, stats, ls, rows, cols, targets);
        float inv = 1f / counted;
        Tensor loss = Tensor.scalar(sum * inv);
        GradSlot dLogits = Tape.gradOf(logits);
        Tape.record(loss, dy -> {
            float[] dRow = new float[rows];
            java.util.Arrays.fill(dRow, dy[0] * inv);
            // written whole into scratch and handed over: no zeroed [rows, V] buffer to add into
            float[] d = Tape.borrow(rows * cols);
            CrossEntropy.crossEntropyBackward(d, ls, stats, rows, cols, targets, dRow);
            if (!dLogits.give(d)) Tape.giveBack(d); // added, not taken: the scratch goes back
        }, logits);
        return loss;
    }
}
