// Forecast against actuals, month by month, as an accessible SVG: bars for the forecast,
// dots for the actuals, flagged months marked.
export type ChartMonth = { month: string; forecast?: string | null; actual?: string | null; flagged: boolean };

export function chartScale(months: ChartMonth[], height: number): (value: number) => number {
  const values = months.flatMap((m) => [m.forecast, m.actual]).filter((v): v is string => v != null).map(Number);
  const max = Math.max(1, ...values);
  return (value: number) => Math.round((value / max) * height);
}

export function ForecastChart({ months, title }: { months: ChartMonth[]; title: string }) {
  const height = 160;
  const barWidth = 28;
  const gap = 12;
  const scale = chartScale(months, height);
  const width = months.length * (barWidth + gap);
  return (
    <figure className="chart">
      <svg role="img" aria-labelledby="chart-title" viewBox={`0 0 ${width} ${height + 24}`} width="100%" style={{ maxWidth: 720 }}>
        <title id="chart-title">{title}</title>
        {months.map((m, i) => {
          const x = i * (barWidth + gap);
          const f = m.forecast == null ? 0 : scale(Number(m.forecast));
          const a = m.actual == null ? null : scale(Number(m.actual));
          const label = new Date(`${m.month}T00:00:00Z`).toLocaleString("en", { month: "short", timeZone: "UTC" });
          return (
            <g key={m.month} data-testid="chart-month">
              <rect x={x} y={height - f} width={barWidth} height={f} className="bar-forecast">
                <title>{`${label}: forecast ${m.forecast ?? "–"}, actual ${m.actual ?? "–"}`}</title>
              </rect>
              {a !== null && <circle cx={x + barWidth / 2} cy={height - a} r={5} className={m.flagged ? "dot-flagged" : "dot-actual"} />}
              <text x={x + barWidth / 2} y={height + 16} textAnchor="middle" className="axis">{label}</text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="legend bar-forecast" /> forecast <span className="legend dot-actual" /> actual{" "}
        <span className="legend dot-flagged" /> deviation beyond the threshold
      </figcaption>
    </figure>
  );
}
