package dev.flotilla.bench.catchup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteTallyTest {
    @Test
    void aCounterThatStartsOverAfterARestartAddsWhatItCountsAfterwards() {
        ByteTally sent = ByteTally.ofCounter();
        assertFalse(sent.seen());
        sent.observe(100);
        sent.observe(250);
        sent.observe(40); // the process restarted and has sent 40 since
        sent.observe(60);
        assertTrue(sent.seen());
        assertEquals(310, sent.total());
    }

    @Test
    void aDirectoryThatShrinksAddsNothingUntilItGrowsAgain() {
        ByteTally size = ByteTally.ofSize();
        size.observe(100);
        size.observe(250);
        size.observe(40); // files deleted (compaction)
        size.observe(60);
        assertEquals(270, size.total());
    }
}
