package greater.transformer.chat;

/** Who speaks a chat message; {@link #id()} is the name chat templates use. */
public enum Role {
    SYSTEM("system"), USER("user"), ASSISTANT("assistant");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    /** "system", "user" or "assistant". */
    public String id() {
        return id;
    }

    /**
     * The role named {@code id} ("system", "user", "assistant"; case-insensitive), as in the
     * {@code role} field of a transformers message.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Role of(String id) {
        for (Role r : values()) {
            if (r.id.equalsIgnoreCase(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown chat role \"" + id + "\" (known: system, user, assistant)");
    }
}
