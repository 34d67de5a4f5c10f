package switchyard.actors.report;

import java.util.List;
import java.util.Map;

/** {@code index.html}: every plot of a report with the run's options and summary, one self-contained page. */
final class HtmlIndex {
    private HtmlIndex() {}

    static String page(Map<String, String> options, RunSummary s, String outcome, List<Plots.Plot> plots) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Switchyard report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}td.n{text-align:right}img{max-width:100%;")
                .append("border:1px solid #eee;margin:0.5em 0 1.5em}</style></head><body>\n")
                .append("<h1>Switchyard report</h1>\n<p>").append(escape(outcome)).append("</p>\n");
        h.append("<h2>Summary</h2>\n<table>\n");
        for (Map.Entry<String, String> row : s.rows()) row(h, row.getKey(), row.getValue());
        h.append("</table>\n<h2>Plots</h2>\n");
        for (Plots.Plot p : plots) {
            h.append("<h3>").append(escape(p.title())).append("</h3>\n<img src=\"").append(p.file()).append("\" width=\"")
                    .append(p.width()).append("\" alt=\"").append(escape(p.title())).append("\">\n");
        }
        h.append("<h2>Options</h2>\n<table>\n");
        options.forEach((k, v) -> row(h, k, v));
        h.append("</table>\n<p>Every step's metrics: <a href=\"").append(MetricsLog.FILE).append("\">").append(MetricsLog.FILE)
                .append("</a>; the summary as JSON: <a href=\"").append(ReportWriter.SUMMARY).append("\">")
                .append(ReportWriter.SUMMARY).append("</a>.</p>\n</body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(escape(key)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
