package switchyard.actors.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import switchyard.actors.driver.StepMetrics;

import java.util.Locale;
import java.util.function.Consumer;

/** A terminal progress bar over the updates of a run: step, loss and tokens/s. Drawn on stderr. */
final class Progress implements Consumer<StepMetrics>, AutoCloseable {
    private final ProgressBar bar;
    private final long started = System.nanoTime();
    private long tokens;

    Progress(String task, int steps) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    /** Auto: a bar when a person watches (a console); {@code --progress} / {@code --no-progress} decide otherwise. */
    static boolean wanted(Boolean flag) {
        return flag != null ? flag : System.console() != null;
    }

    @Override
    public synchronized void accept(StepMetrics m) {
        tokens += m.tokens();
        double seconds = (System.nanoTime() - started) / 1e9;
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f, %.0f tokens/s", m.loss(), seconds > 0 ? tokens / seconds : 0));
        bar.stepTo(m.update() + 1L);
    }

    @Override
    public void close() {
        bar.close();
    }
}
