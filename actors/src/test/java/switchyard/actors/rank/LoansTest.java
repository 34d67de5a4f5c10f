package switchyard.actors.rank;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An arena may be reused only when every piece it lent came home, and only pieces it lent. */
class LoansTest {
    private static final Loans.Piece GATE = Loans.GateBuffers.WITH_GATE;


    @Test
    void theArenaIsHomeOnlyWhenEveryOwnerAndTheGateAnswered() {
        Loans loans = new Loans(3);
        assertTrue(loans.allHome());
        loans.lend(GATE);
        assertFalse(loans.allHome(), "the gate holds the routing buffers");
        loans.returned(GATE);
        for (int owner = 0; owner < 3; owner++) loans.lend(new Loans.OwnerBlock(owner));
        loans.returned(new Loans.OwnerBlock(0));
        loans.returned(new Loans.OwnerBlock(2));
        assertFalse(loans.allHome(), "owner 1 still holds its block");
        loans.returned(new Loans.OwnerBlock(1));
        assertTrue(loans.allHome());
    }

    @Test
    void aReturnOfWhatWasNotLentMakesTheArenaUnfitForReuse() {
        Loans twice = new Loans(2);
        twice.lend(new Loans.OwnerBlock(1));
        twice.returned(new Loans.OwnerBlock(1));
        twice.returned(new Loans.OwnerBlock(1));
        assertFalse(twice.allHome(), "a second answer for one block: someone may still write into it");

        Loans gate = new Loans(1);
        gate.returned(GATE);
        assertFalse(gate.allHome());

        Loans lentTwice = new Loans(2);
        lentTwice.lend(new Loans.OwnerBlock(0));
        lentTwice.lend(new Loans.OwnerBlock(0));
        lentTwice.returned(new Loans.OwnerBlock(0));
        assertFalse(lentTwice.allHome(), "one block cannot travel twice at once");
    }
}
