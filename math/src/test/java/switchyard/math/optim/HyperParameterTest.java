package switchyard.math.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class HyperParameterTest {

    @Test
    void sgdRejectsBadValues() {
        rejects(() -> new Sgd(0), "learning rate", "0.0");
        rejects(() -> new Sgd(Double.NaN), "learning rate", "NaN");
        rejects(() -> new Sgd(Double.POSITIVE_INFINITY), "learning rate", "Infinity");
        rejects(() -> new Sgd.Config(0.1, 1, 0, false), "momentum", "1.0");
        rejects(() -> new Sgd.Config(0.1, -0.1, 0, false), "momentum", "-0.1");
        rejects(() -> new Sgd.Config(0.1, 0.9, -1, false), "weight decay", "-1.0");
        rejects(() -> new Sgd.Config(0.1, 0, 0, true), "Nesterov", "0.0");
    }

    @Test
    void adamRejectsBadValues() {
        rejects(() -> new Adam(-1e-3), "learning rate", "-0.001");
        rejects(() -> new Adam.Config(1e-3, 1, 0.999, 1e-8, 0, false), "beta1", "1.0");
        rejects(() -> new Adam.Config(1e-3, 0.9, -0.5, 1e-8, 0, false), "beta2", "-0.5");
        rejects(() -> new Adam.Config(1e-3, 0.9, 0.999, 0, 0, false), "epsilon", "0.0");
        rejects(() -> new Adam.Config(1e-3, 0.9, 0.999, 1e-8, Double.NaN, true), "weight decay", "NaN");
    }

    private static void rejects(Executable e, String name, String value) {
        String msg = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(msg.contains(name) && msg.contains(value), msg);
    }
}
