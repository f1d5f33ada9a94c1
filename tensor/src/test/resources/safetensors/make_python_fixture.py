# Regenerates python_fixture.safetensors with Hugging Face's own writer (safetensors 0.8.0 + numpy):
#   python3 make_python_fixture.py
# SafetensorsPythonFixtureTest hard-codes the values below; keep the two in step.
import numpy as np
from safetensors import TensorSpec, serialize
from safetensors.numpy import save

tensors = {
    "weight": np.array([[1.5, -2.0, 3.25], [0.0, 1e-3, -7.0]], dtype=np.float32),
    "half": np.array([[0.5, -1.0], [65504.0, 6.103515625e-05]], dtype=np.float16),
    "ids": np.array([1, 42, -3, 2**40, 0], dtype=np.int64),
    "count": np.array(7, dtype=np.int32),      # scalar, shape []
    "scale": np.array(0.25, dtype=np.float32), # scalar, shape []
    "mask": np.array([1, 0, 1], dtype=np.uint8),
    "empty": np.zeros((0, 4), dtype=np.float32),
}
metadata = {"format": "np", "source": "python safetensors 0.8.0"}

# numpy has no bfloat16: hand the writer raw bf16 bits (values exactly representable in bf16).
bf16_values = np.array([1.0, -2.5, 0.15625, 1024.0, -0.0078125, 448.0], dtype=np.float32)
bf16_bits = (bf16_values.view(np.uint32) >> 16).astype(np.uint16)

specs = {}
keep = []
for name, arr in tensors.items():
    assert arr.flags.c_contiguous  # (np.ascontiguousarray would turn the scalars into shape [1])
    keep.append(arr)
    specs[name] = TensorSpec(dtype=arr.dtype.name, shape=arr.shape, data_ptr=arr.ctypes.data, data_len=arr.nbytes)
specs["bf16"] = TensorSpec(dtype="bfloat16", shape=(2, 3), data_ptr=bf16_bits.ctypes.data, data_len=bf16_bits.nbytes)

data = bytes(serialize(specs, metadata=metadata))
with open("python_fixture.safetensors", "wb") as f:
    f.write(data)
print(len(data), data[8:8 + int.from_bytes(data[:8], "little")].decode())
