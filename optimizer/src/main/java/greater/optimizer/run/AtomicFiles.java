package greater.optimizer.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Whole-file writes that never leave a half-written file: write a temp file beside, sync, then rename. */
final class AtomicFiles {
    private AtomicFiles() {
    }

    static void write(Path file, String text) throws IOException {
        write(file, text, null, 0);
    }

    /** As {@link #write(Path, String)}, passing {@link FaultInjection} point {@code fault} half-way through the temp file. */
    static void write(Path file, String text, String fault, int n) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer half = ByteBuffer.wrap(bytes, 0, bytes.length / 2);
            while (half.hasRemaining()) ch.write(half);
            if (fault != null) {
                ch.force(false);
                FaultInjection.point(fault, n);
            }
            ByteBuffer rest = ByteBuffer.wrap(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
            while (rest.hasRemaining()) ch.write(rest);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
