// Dense products in the nn.Linear layout.
//   m = rows of the input (tokens), k = input features, n = output features.
//   x [m,k], W [n,k] (row-major, as stored by PyTorch Linear), out/dy [m,n], dx [m,k], dw [n,k].
//   GEMM cores: C[M,N] (+)= A[M,K]·op(B), p indexes K; L = float lanes.
//   Dot core: B is [N,K]; rows of A and B are packed with K padded to kp (a multiple of L); an
//   MR_DOT×NR_DOT tile of C is 16 dot products. Outer cores: B is [K,N]; B is packed in panels of
//   NR columns, k-major (panel[p][q]); A is packed in panels of MR rows (panel[p][r]) or read as MR
//   rows of a row-major buffer; an MR×NR tile of C accumulates one k-span of outer products (KC,
//   longer where a core says so).
// Vector forms: MatMulVector picks one of the cores below, when VectorApi.ENABLED; else the
// scalar twins (*Scalar) run.
package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;

/**
 * out = x·Wᵀ and its two gradients. W is the big operand, so it is only ever read along its rows
 * (converted to float, never transposed); the activations are what gets transposed. Register-tiled
 * cores, threads splitting N (dx: W's rows when it has many):
 * <ul>
 *   <li>outer cores (GotoBLAS/BLIS style: {@link ForwardCore}, {@link GradientCore}, their register
 *       tile {@link MicroKernel}, operands laid out by {@link Packing}), used from 16 rows on and
 *       by both gradients: per k step the micro-kernel loads NR/L = 2 vectors of a B row,
 *       broadcasts MR = 8 scalars of A and issues 16 FMAs into registers, with no horizontal sums.
 *       The forward computes outᵀ = W·xᵀ (B = xᵀ in panels packed by 16×16 register transposes,
 *       A = rows of W; from 128 rows one k-span up to 2048; several weights of one x, as q, k and
 *       v, share its panels and one set of tasks); dx = dy·W has B = W and A = rows of dy (copied
 *       to a padded stride, not packed); dw = dyᵀ·x has B = x, whose panels are contiguous copies
 *       of rows. dx with many rows of W splits them (the reduction index) over the threads, each
 *       summing its range into its own partial dx, in chunks of columns packed into L2. Blocks
 *       and tasks are sized so the threads finish together (Parallel.makespan);</li>
 *   <li>BF16 dot tiles ({@link Bf16DotTiles}), forward with BF16 W and 4 to 31 rows (to 63 when
 *       k ≥ 1024, but not 32 with 512-bit vectors): 2 rows of x against 4 rows of W read straight
 *       from the segment and converted in registers (packing W cost as much as the product at
 *       these sizes);</li>
 *   <li>BF16 input-gradient rows ({@link Bf16GradRows}), dx with BF16 W and up to 8 rows, exactly
 *       16, or at most 24k floats of dx: W converted in registers, never packed; each block of 8
 *       rows of dx keeps 2L of its columns in 16 registers while a span of W's rows passes, every
 *       block over one span before the next; the rows past the last block take 8 rows of W, 2L
 *       columns at a time, converted into 16 registers that each of them takes 16 FMAs from;</li>
 *   <li>dot core ({@link DotCore}), forward with F32/F16 W and 4 to 15 rows (an NR-wide tile of x
 *       would mostly idle): x and W rows are both k-contiguous, so a 4×4 tile of outputs is 16
 *       vector dot products, its horizontal sums paid once per KB span;</li>
 *   <li>GEMV ({@link Gemv}), forward with up to 3 rows: streams W once, converting on the fly, 4
 *       rows at a time.</li>
 * </ul>
 * In the Vector forms, dot products end in {@link VectorMath}'s fixed-order lane sums, never
 * {@code reduceLanes(ADD)}, so they give the same bits interpreted and compiled (see
 * {@link VectorApi} on reproducibility); the tiles and the 4-row GEMV leave their accumulators in a
 * buffer and their callers sum them ({@link VectorMath#sumRows}), which keeps C2 from boxing them.
 */
public final class MatMul {
    private MatMul() {
    }

    /**
     * out[m,n] = x[m,k]·W[n,k]ᵀ (overwrites out).
     *
     * @throws IllegalArgumentException when w holds fewer than n·k weights of wType, or wType is
     *         not a float type
     */
    public static void matmul(float[] out, float[] x, int m, int k, MemorySegment w, DType wType, int n) {
        checkWeights(w, wType, n, k);
        if (VectorApi.ENABLED) MatMulVector.matmul(out, x, m, k, w, wType, n);
        else matmulScalar(out, x, m, k, w, wType, n);
    }

    /**
     * outs[i][m, ns[i]] = x[m,k]·W_i[ns[i],k]ᵀ for i &lt; ws.length: several products of one input
     * (q, k and v of one hidden state; gate and up), each output overwritten and equal to what
     * {@link #matmul(float[], float[], int, int, MemorySegment, DType, int)} gives it, bit for bit.
     * The outer core packs x once for all of them and runs their blocks as one set of tasks.
     *
     * @throws IllegalArgumentException when the arrays' lengths differ, or a weight segment holds
     *         fewer than ns[i]·k weights of its type, or a type is not a float type
     */
    public static void matmul(float[][] outs, float[] x, int m, int k, MemorySegment[] ws, DType[] wTypes, int[] ns) {
        if (outs.length != ws.length || wTypes.length != ws.length || ns.length != ws.length) {
            throw new IllegalArgumentException("shared matmul: " + outs.length + " outputs, " + ws.length + " weights, "
                    + wTypes.length + " types, " + ns.length + " widths");
        }
        for (int i = 0; i < ws.length; i++) checkWeights(ws[i], wTypes[i], ns[i], k);
        if (VectorApi.ENABLED) {
            MatMulVector.matmulShared(outs, x, m, k, ws, wTypes, ns);
        } else {
            for (int i = 0; i < ws.length; i++) matmulScalar(outs[i], x, m, k, ws[i], wTypes[i], ns[i]);
        }
    }

    /** The scalar twin; threads split W's rows. */
    public static void matmulScalar(float[] out, float[] x, int m, int k, MemorySegment w, DType wType, int n) {
        Parallel.forRange(n, Math.max(1, 16384 / Math.max(1, k * m)), (j0, j1) -> {
            float[] row = new float[k];
            for (int j = j0; j < j1; j++) {
                Weights.readScalar(row, 0, w, wType, (long) j * k, k);
                for (int i = 0; i < m; i++) {
                    float s = 0f;
                    int xo = i * k;
                    for (int p = 0; p < k; p++) s += x[xo + p] * row[p];
                    out[i * n + j] = s;
                }
            }
        });
    }

    /**
     * dx[m,k] += dy[m,n]·W[n,k] when {@code accumulate}, else dx[m,k] = dy[m,n]·W[n,k] over whatever
     * dx held (an autograd closure writing a gradient no other op has reached yet: no zeroed buffer
     * to fill first and read back). Written, dx has the bits that adding into zeros gives.
     *
     * @throws IllegalArgumentException when w holds fewer than n·k weights of wType, or wType is
     *         not a float type
     */
    public static void inputGrad(float[] dx, float[] dy, int m, int n, MemorySegment w, DType wType, int k,
                                 boolean accumulate) {
        checkWeights(w, wType, n, k);
        if (VectorApi.ENABLED) MatMulVector.inputGrad(dx, dy, m, n, w, wType, k, accumulate);
        else inputGradScalar(dx, dy, m, n, w, wType, k, accumulate);
    }

    /** The scalar twin; threads split the k columns (each reads its stretch of every W row). */
    public static void inputGradScalar(float[] dx, float[] dy, int m, int n, MemorySegment w, DType wType, int k,
                                       boolean accumulate) {
        if (!accumulate) java.util.Arrays.fill(dx, 0, m * k, 0f);
        Parallel.forRange(k, Math.max(64, 16384 / Math.max(1, n * m)), (p0, p1) -> {
            float[] row = new float[p1 - p0];
            for (int j = 0; j < n; j++) {
                Weights.readScalar(row, 0, w, wType, (long) j * k + p0, p1 - p0);
                for (int i = 0; i < m; i++) {
                    float g = dy[i * n + j];
                    int xo = i * k + p0;
                    for (int p = 0; p < p1 - p0; p++) dx[xo + p] += g * row[p];
                }
            }
        });
    }

    /** dw[n,k] += Σ_m dy[m,n]·x[m,k]. */
    public static void accumulateWeightGrad(float[] dw, float[] dy, float[] x, int m, int n, int k) {
        if (VectorApi.ENABLED) MatMulVector.accumulateWeightGrad(dw, dy, x, m, n, k);
        else accumulateWeightGradScalar(dw, dy, x, m, n, k);
    }

    /** The scalar twin; threads split W's rows. */
    public static void accumulateWeightGradScalar(float[] dw, float[] dy, float[] x, int m, int n, int k) {
        Parallel.forRange(n, Math.max(1, 16384 / Math.max(1, k * m)), (j0, j1) -> {
            for (int i = 0; i < m; i++) {
                int xo = i * k;
                for (int j = j0; j < j1; j++) {
                    float g = dy[i * n + j];
                    int wo = j * k;
                    for (int p = 0; p < k; p++) dw[wo + p] += g * x[xo + p];
                }
            }
        });
    }

    static void checkWeights(MemorySegment w, DType type, int n, int k) {
        if (!type.isFloatTensorType()) throw Weights.unsupported(type);
        if (Weights.elements(w, type) < (long) n * k) {
            throw new IllegalArgumentException("weight segment of " + w.byteSize() + " bytes is smaller than ["
                    + n + "," + k + "] " + type);
        }
    }

    static int roundUp(int v, int multiple) {
        return Math.ceilDiv(v, multiple) * multiple;
    }
}
