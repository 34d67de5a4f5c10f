package switchyard.actors.rank;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An arena may be reused only when every piece it lent came home, and only pieces it lent. */
class LoansTest {

    @Test
    void theArenaIsHomeOnlyWhenEveryOwnerAndTheGateAnswered() {
        Loans loans = new Loans(3);
        assertTrue(loans.allHome());
        loans.toGate();
        assertFalse(loans.allHome(), "the gate holds the routing buffers");
        loans.backFromGate();
        for (int owner = 0; owner < 3; owner++) loans.toOwner(owner);
        loans.backFromOwner(0);
        loans.backFromOwner(2);
        assertFalse(loans.allHome(), "owner 1 still holds its block");
        loans.backFromOwner(1);
        assertTrue(loans.allHome());
    }

    @Test
    void aReturnOfWhatWasNotLentMakesTheArenaUnfitForReuse() {
        Loans twice = new Loans(2);
        twice.toOwner(1);
        twice.backFromOwner(1);
        twice.backFromOwner(1);
        assertFalse(twice.allHome(), "a second answer for one block: someone may still write into it");

        Loans gate = new Loans(1);
        gate.backFromGate();
        assertFalse(gate.allHome());

        Loans lentTwice = new Loans(2);
        lentTwice.toOwner(0);
        lentTwice.toOwner(0);
        lentTwice.backFromOwner(0);
        assertFalse(lentTwice.allHome(), "one block cannot travel twice at once");
    }
}
