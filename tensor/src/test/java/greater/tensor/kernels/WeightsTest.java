package greater.tensor.kernels;

import greater.tensor.DType;
import greater.tensor.Float16s;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class WeightsTest {

    /** Every one of the 65536 bit patterns, through the vector path, bit for bit (NaNs stay NaN). */
    @Test
    void everyHalfPrecisionBitPatternConvertsExactly() {
        short[] bits = new short[65536 + 5]; // + a tail that is not a multiple of the lane count
        for (int i = 0; i < bits.length; i++) bits[i] = (short) i;
        MemorySegment seg = MemorySegment.ofArray(bits);
        for (DType type : new DType[]{DType.F16, DType.BF16}) {
            float[] vec = new float[bits.length], sca = new float[bits.length];
            Weights.read(vec, 0, seg, type, 0, bits.length);
            Weights.readScalar(sca, 0, seg, type, 0, bits.length);
            for (int i = 0; i < bits.length; i++) {
                float expected = type == DType.F16 ? Float.float16ToFloat(bits[i]) : Float16s.bf16ToFloat(bits[i]);
                boolean same = Float.isNaN(expected) ? Float.isNaN(vec[i]) && Float.isNaN(sca[i])
                        : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(vec[i])
                        && Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(sca[i]);
                if (!same) {
                    fail(type + " bits 0x" + Integer.toHexString(bits[i] & 0xFFFF) + ": expected " + expected
                            + ", vector " + vec[i] + ", scalar " + sca[i]);
                }
            }
        }
    }

    /**
     * WeightsVector.f16 (the packers' conversion in integer lanes) on all 65536 patterns, at an odd
     * element, 40 times over, so C2 compiles it with the Vector API's intrinsics before the last
     * sweeps (the first ones run its Java fallback). NaN payloads are not compared: the compiled
     * Float.float16ToFloat (vcvtph2ps) also sets the quiet bit.
     */
    @Test
    void everyHalfPrecisionBitPatternConvertsExactlyInIntegerLanes() {
        assumeTrue(VectorApi.ENABLED, "WeightsVector runs only with the Vector API");
        short[] bits = new short[65536 + 1];
        for (int i = 0; i < 65536; i++) bits[i + 1] = (short) i;
        MemorySegment seg = MemorySegment.ofArray(bits);
        float[] lanes = new float[WeightsVector.L];
        for (int sweep = 0; sweep < 40; sweep++) {
            for (int i = 0; i < 65536; i += WeightsVector.L) {
                WeightsVector.f16(seg, i + 1).intoArray(lanes, 0);
                for (int j = 0; j < WeightsVector.L; j++) {
                    float expected = Float.float16ToFloat((short) (i + j));
                    boolean same = Float.isNaN(expected) ? Float.isNaN(lanes[j])
                            : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(lanes[j]);
                    if (!same) {
                        fail("sweep " + sweep + ", bits 0x" + Integer.toHexString(i + j) + ": expected " + expected
                                + ", got " + lanes[j]);
                    }
                }
            }
        }
    }

    @Test
    void readsAtOddOffsetsFromHeapAndNativeSegments() {
        Random rnd = new Random(81);
        float[] values = random(rnd, 300, 100f);
        for (DType type : WEIGHT_TYPES) {
            float[] exact = rounded(values, type);
            for (boolean offHeap : new boolean[]{false, true}) {
                MemorySegment seg = segment(values, type, offHeap);
                for (int start : new int[]{0, 1, 7, 33}) {
                    for (int len : new int[]{0, 1, 3, 17, 67, 131}) {
                        float[] dst = new float[len + 2];
                        Weights.read(dst, 2, seg, type, start, len);
                        for (int j = 0; j < len; j++) {
                            assertEquals(exact[start + j], dst[2 + j], type + " start " + start + " len " + len);
                        }
                        assertEquals(exact[start], Weights.get(seg, type, start));
                    }
                }
            }
        }
    }
}
