package dev.balancekit.report;

import dev.balancekit.Credits;
import dev.balancekit.UsageGroup;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/** The report's charts, drawn by JFreeChart into SVG elements (JFreeSVG) to inline in the page. */
final class Charts {
    /** The series of the top users and top models charts. */
    static final String SPENT_SERIES = "Credits spent";
    /** The series name of entries without a model. */
    static final String NO_MODEL = "(no model)";

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    private static final Color BAR = new Color(0x33, 0x66, 0x99);
    /** Series colours of the stacked chart, told apart in print and by most colour-blind readers. */
    private static final Color[] PALETTE = {
        new Color(0x4E, 0x79, 0xA7), new Color(0xF2, 0x8E, 0x2B), new Color(0x59, 0xA1, 0x4F),
                new Color(0xE1, 0x57, 0x59),
        new Color(0x76, 0xB7, 0xB2), new Color(0xED, 0xC9, 0x48), new Color(0xB0, 0x7A, 0xA1),
                new Color(0x9C, 0x75, 0x5F),
        new Color(0xFF, 0x9D, 0xA7), new Color(0xBA, 0xB0, 0xAC)
    };

    private Charts() {}

    /** Spending per day, one stacked series per model, days in order. */
    static String dailyByModel(String id, List<UsageGroup> daily, int width, int height) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (UsageGroup g : daily) {
            if (g.amounts().spent().isPositive() && g.period() != null) {
                data.addValue(
                        credits(g.amounts().spent()),
                        g.model() == null ? NO_MODEL : g.model(),
                        g.period().toString());
            }
        }
        JFreeChart chart = ChartFactory.createStackedBarChart(
                "Spending per day by model", "Day", "Credits", data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = style(chart);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        for (int i = 0; i < data.getRowCount(); i++) {
            plot.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        return svg(id, chart, width, height);
    }

    /** One horizontal bar per group, most spent first. */
    static String topSpenders(
            String id,
            String title,
            String axis,
            List<UsageGroup> groups,
            Function<UsageGroup, String> name,
            int width,
            int height) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (UsageGroup g : groups) {
            data.addValue(credits(g.amounts().spent()), SPENT_SERIES, name.apply(g));
        }
        JFreeChart chart = ChartFactory.createBarChart(
                title, axis, "Credits", data, PlotOrientation.HORIZONTAL, true, false, false);
        CategoryPlot plot = style(chart);
        ((BarRenderer) plot.getRenderer()).setSeriesPaint(0, BAR);
        CategoryAxis categories = plot.getDomainAxis();
        categories.setMaximumCategoryLabelWidthRatio(0.4f);
        return svg(id, chart, width, height);
    }

    private static CategoryPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setTitle(new TextTitle(chart.getTitle().getText(), TITLE));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlineVisible(false);
        plot.setNoDataMessage("No spending in this period");
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        return plot;
    }

    private static String svg(String id, JFreeChart chart, int width, int height) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix(id + "-"); // several charts in one page: their clip path ids must differ
        chart.draw(g2, new Rectangle(0, 0, width, height));
        return g2.getSVGElement(id);
    }

    /** A display value: the exact decimal amount (the chart turns it into pixels). */
    private static BigDecimal credits(Credits c) {
        return BigDecimal.valueOf(c.micros(), 6);
    }
}
