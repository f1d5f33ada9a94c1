package greater.benchmarks.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The English prose the tokenizer benchmark encodes: a dozen original paragraphs (narrative,
 * explanation, dialogue, a little arithmetic) shuffled with a fixed seed into a corpus of the
 * requested size, so that Java and HF tokenizers encode byte-identical text.
 *
 * <p>{@code java ... greater.benchmarks.tokenizer.Prose OUT.txt [BYTES]} writes the corpus for
 * the Python side ({@code transformer/reference/tokenizer_fixtures.py --bench OUT.txt}).
 */
public final class Prose {
    private static final String[] PARAGRAPHS = {
        """
        The village sat at the bend of a slow river, and every morning the ferryman rowed the \
        baker's daughter across to the market on the far bank. She carried two baskets of bread, \
        still warm, and a ledger in which she wrote down every loaf she sold and every coin she \
        was paid. By noon the baskets were usually empty, and she would sit on the steps of the \
        old customs house, counting the day's takings twice before she trusted the total.""",
        """
        Nobody remembered when the bridge had fallen. Some said it was the great flood of the \
        year the harvest failed; others claimed that the engineers had simply never finished it, \
        and that the stone piers standing in the water were all that had ever been built. The \
        ferryman, who had heard every version, liked to say that the river had decided it did not \
        want to be crossed on foot, and that it was wiser not to argue with a river.""",
        """
        "How many did you sell today?" asked the ferryman as they pushed off from the bank. \
        "Forty-three," she said, "and I gave two away to the children by the fountain, so the \
        ledger says forty-five loaves left the bakery but only forty-three were paid for." He \
        laughed and told her that a careful ledger was the mark of an honest merchant, even when \
        the numbers refused to agree with each other.""",
        """
        A good explanation begins with what the listener already knows. If you want to teach \
        someone why the days grow longer in summer, you do not start with the tilt of the earth's \
        axis; you start with the shadow of a post at noon, which is short in June and long in \
        December, and only then ask what must be true of the sun for the shadow to change.""",
        """
        Reasoning step by step is not a trick but a habit. Suppose a shop sells pencils at three \
        for a dollar and erasers at two for a dollar, and you buy twelve pencils and six erasers. \
        The pencils cost four dollars, because twelve divided by three is four. The erasers cost \
        three dollars, because six divided by two is three. Together you spend seven dollars, and \
        if you pay with a ten-dollar note you should expect three dollars in change.""",
        """
        The library was quiet except for the ticking of the clock above the reading room door. \
        Students bent over their notes, some writing quickly, others staring at the same page for \
        a long time as if the words might rearrange themselves into something easier to \
        understand. The librarian walked between the tables, straightening chairs and returning \
        forgotten books to their shelves, humming a tune that nobody else could hear.""",
        """
        When the storm arrived it came faster than anyone had predicted. The wind pulled the \
        shutters from their hinges, the rain ran sideways across the square, and the lanterns in \
        the harbour swung so violently that their light seemed to dance on the water. By morning \
        the streets were covered in leaves and broken branches, but the houses had held, and the \
        fishermen were already mending their nets on the quay.""",
        """
        Every recipe is a small program. It names its inputs, flour and water and salt; it \
        describes the steps, mix and knead and rest; and it promises an output, a loaf with a \
        crisp crust and a soft interior. Like any program it can fail in ways the author did not \
        foresee: an oven that runs hot, flour that absorbs more water than expected, or a cook \
        who skips the resting step because the guests are already at the door.""",
        """
        She asked her grandfather why he kept a diary when nothing interesting ever happened to \
        him. He thought about it for a while and then said that the point of a diary was not to \
        record interesting things but to notice them. Most days, he explained, contained at least \
        one thing worth remembering, even if it was only the colour of the sky over the hills or \
        the name of a stranger who had held a door open.""",
        """
        The committee met on Tuesday to discuss the budget for the coming year. After two hours \
        of debate they agreed to repair the school roof, to plant trees along the main road, and \
        to postpone the new playground until the spring. The treasurer warned that the accounts \
        would be tight, but the chairwoman reminded everyone that the village had managed with \
        less in harder years, and the meeting ended in good spirits.""",
        """
        If a train leaves the station at half past eight and travels at sixty miles an hour, and \
        the next town is ninety miles away, it will arrive at ten o'clock. The question seems \
        simple until someone asks whether the train stops on the way, whether the clocks in both \
        towns agree, and whether the timetable was written before or after the line was \
        electrified, at which point the answer depends on details nobody thought to mention.""",
        """
        In the evening the ferryman tied his boat to the post, hung his coat on the nail inside \
        the door, and sat down to a bowl of soup. Outside, the river went on moving in the dark, \
        carrying leaves and reflections and the occasional lost glove towards the sea. He did not \
        think about the bridge, or the flood, or the ledger; he thought only that tomorrow the \
        baker's daughter would need to cross again, and that he would be there to take her.""",
    };

    private Prose() {
    }

    /** About {@code bytes} UTF-8 bytes of paragraphs in a seeded random order, separated by blank lines. */
    public static String corpus(int bytes) {
        Random random = new Random(42);
        StringBuilder sb = new StringBuilder(bytes + 1024);
        List<String> order = new ArrayList<>(List.of(PARAGRAPHS));
        while (sb.length() < bytes) {
            java.util.Collections.shuffle(order, random);
            for (String p : order) {
                sb.append(p).append("\n\n");
                if (sb.length() >= bytes) {
                    break;
                }
            }
        }
        return sb.toString();
    }

    public static void main(String[] args) throws IOException {
        int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        Files.writeString(Path.of(args[0]), corpus(bytes), StandardCharsets.UTF_8);
    }
}
