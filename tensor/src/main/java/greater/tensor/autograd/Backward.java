package greater.tensor.autograd;

/**
 * The backward of one recorded op: given the gradient of the loss w.r.t. the op's output,
 * accumulate ({@code +=}) the gradients of the inputs that require them, and nothing else.
 */
@FunctionalInterface
public interface Backward {
    void propagate(float[] outputGrad);
}
