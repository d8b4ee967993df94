// Chart.js (served from web/node_modules at /vendor/chart.js/chart.umd.min.js, loaded before the
// page's modules) with the console's look, and a small plugin drawing labelled vertical markers.

const Chart = window.Chart;

export const COLORS = {
  red: "#d9363e",
  orange: "#f08c2e",
  amber: "#e0a800",
  green: "#2f9e62",
  blue: "#2f6fdb",
  teal: "#1f9aa8",
  purple: "#7a5af8",
  grey: "#98a2b3",
  ink: "#344054",
};

if (Chart) {
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = "#475467";
  Chart.defaults.borderColor = "#eaecf0";
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
}

/**
 * Vertical markers: ``options.plugins.markers.lines = [{x(chart) -> pixel | null, label, color}]``.
 * Labels stack at the top of the chart area, on the side that has room.
 */
const markers = {
  id: "markers",
  afterDatasetsDraw(chart, _args, options) {
    const { ctx, chartArea } = chart;
    (options.lines ?? []).forEach((line, i) => {
      const raw = line.x(chart);
      if (raw === null || raw === undefined || Number.isNaN(raw)) return;
      const x = Math.min(Math.max(raw, chartArea.left), chartArea.right);
      ctx.save();
      ctx.strokeStyle = line.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(line.dash ?? [5, 4]);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = line.color;
      ctx.font = `600 11px ${Chart.defaults.font.family}`;
      const right = x > (chartArea.left + chartArea.right) / 2;
      ctx.textAlign = right ? "right" : "left";
      ctx.fillText(line.label, x + (right ? -5 : 5), chartArea.top + 12 + i * 14);
      ctx.restore();
    });
  },
};

/** True when Chart.js is loaded (its script is served from web/node_modules). */
export function chartsAvailable() {
  return typeof Chart === "function";
}

/** A chart on ``canvas`` (replacing the one drawn there before); null without Chart.js. */
export function drawChart(canvas, config) {
  if (!chartsAvailable()) return null;
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, {
    ...config,
    plugins: [...(config.plugins ?? []), markers],
    options: { responsive: true, maintainAspectRatio: false, ...config.options },
  });
}

/** The pixel of a value on a bar chart of equal bins from ``min`` to ``max`` (linear over the area). */
export function binPixel(chart, value, min, max) {
  const { left, right } = chart.chartArea;
  return max > min ? left + ((value - min) / (max - min)) * (right - left) : null;
}
