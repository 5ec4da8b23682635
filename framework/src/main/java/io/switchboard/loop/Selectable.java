package io.switchboard.loop;

import java.nio.channels.SelectionKey;

/** Something registered with a {@link SelectorLoop} that reacts when its channel is ready. Loop thread only. */
public interface Selectable {

    /**
     * Called on the loop when {@code key} is ready for some of its interest operations.
     *
     * @param key the registration's key, its ready set updated
     */
    void ready(SelectionKey key);

    /** Called on the loop when the loop stops while the registration is still open. */
    void loopClosing();
}
