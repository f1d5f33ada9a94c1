package greater.cli.commands;

import greater.tensor.UserInputException;

import java.util.Arrays;

/** Parses {@code --ids 1,2,3}. */
final class IdList {
    private IdList() {
    }

    static int[] parse(String text, int vocab) {
        String[] parts = text.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserInputException("--ids: '" + parts[i].trim() + "' is not an integer token id");
            }
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new UserInputException("--ids: token id " + ids[i] + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (ids.length == 0) throw new UserInputException("--ids: no ids given");
        return ids;
    }

    static String json(int[] ids) {
        return Arrays.toString(ids).replace(" ", "");
    }
}
