// A product's days at a location as an accessible SVG: on hand as a line, each day's demand as
// a bar, the reorder point as a dashed line, days reported out of stock marked.
export type HistoryPoint = {
  day: string;
  onHand?: number | null;
  demand?: number | null;
  reorderPoint?: number | null;
  stockout: boolean;
};

/** The value at the top of the chart: a little above the largest. */
export function historyTop(points: readonly HistoryPoint[]): number {
  const values = points.flatMap((p) => [p.onHand, p.demand, p.reorderPoint]).filter((v): v is number => v != null);
  return Math.max(1, ...values) * 1.1;
}

/** The chart's y scale: values to pixels from the bottom. */
export function historyScale(points: readonly HistoryPoint[], height: number): (value: number) => number {
  const max = historyTop(points);
  return (value: number) => Math.round((Math.max(0, value) / max) * height);
}

/** The on-hand line's points ("x,y x,y"), skipping days before the first report. */
export function onHandPath(points: readonly HistoryPoint[], step: number, height: number, scale: (v: number) => number): string {
  return points
    .map((p, i) => (p.onHand == null ? null : `${Math.round(i * step + step / 2)},${height - scale(p.onHand)}`))
    .filter((p): p is string => p !== null)
    .join(" ");
}

function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { day: "numeric", month: "short", timeZone: "UTC" });
}

export function StockChart({ points, title }: { points: readonly HistoryPoint[]; title: string }) {
  const height = 180;
  const step = 22;
  const width = Math.max(points.length * step, step);
  const scale = historyScale(points, height);
  const top = historyTop(points);
  const reorderPoint = [...points].reverse().find((p) => p.reorderPoint != null)?.reorderPoint ?? null;
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  const last = points[points.length - 1];
  return (
    <figure className="chart stock-chart">
      <svg role="img" aria-labelledby="stock-chart-title stock-chart-desc" viewBox={`0 0 ${width} ${height + 24}`} width="100%">
        <title id="stock-chart-title">{title}</title>
        <desc id="stock-chart-desc">
          {last ? `On ${shortDay(last.day)}: on hand ${last.onHand ?? "unknown"}` : "No days"}
          {reorderPoint != null ? `, reorder point ${Math.round(reorderPoint)}.` : "."}
        </desc>
        {points.map((p, i) => {
          const x = i * step;
          const d = p.demand == null ? 0 : scale(p.demand);
          return (
            <g key={p.day} data-testid="chart-day">
              {p.stockout && <rect x={x} y={0} width={step} height={height} className="stockout-day" />}
              <rect x={x + step / 4} y={height - d} width={step / 2} height={d} className="bar-demand">
                <title>{`${shortDay(p.day)}: on hand ${p.onHand ?? "–"}, demand ${p.demand == null ? "–" : Math.round(p.demand * 10) / 10}${p.stockout ? ", out of stock" : ""}`}</title>
              </rect>
              {i % labelEvery === 0 && (
                <text x={x + step / 2} y={height + 16} textAnchor="middle" className="axis">{shortDay(p.day)}</text>
              )}
            </g>
          );
        })}
        {reorderPoint != null && (
          <line x1={0} x2={width} y1={height - scale(reorderPoint)} y2={height - scale(reorderPoint)} className="line-reorder" data-testid="reorder-line" />
        )}
        <text x={2} y={10} className="axis">{Math.round(top)}</text>
        <text x={2} y={height - 2} className="axis">0</text>
        <polyline points={onHandPath(points, step, height, scale)} className="line-onhand" fill="none" />
      </svg>
      <figcaption>
        <span className="legend line-onhand" /> on hand <span className="legend bar-demand" /> demand a day{" "}
        <span className="legend line-reorder" /> reorder point <span className="legend stockout-day" /> out of stock
      </figcaption>
    </figure>
  );
}
