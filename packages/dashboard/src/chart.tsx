// Activity over time, stacked by action family (the part before the first dot), for the events
// loaded so far: per hour when they span under three days, else per day.
import { useMemo } from 'preact/hooks';
import type { EventView } from './api';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PALETTE = ['var(--al-c1)', 'var(--al-c2)', 'var(--al-c3)', 'var(--al-c4)', 'var(--al-c5)', 'var(--al-c6)'];

export function ActivityChart({
  events,
  since,
  until,
}: {
  events: EventView[];
  since?: string | undefined;
  until?: string | undefined;
}) {
  const chart = useMemo(() => {
    if (events.length === 0) return null;
    const times = events.map((event) => Date.parse(event.timestamp));
    const start = since ? Date.parse(since) : Math.min(...times);
    const end = until ? Date.parse(until) : Math.max(...times) + 1;
    const step = end - start <= 3 * DAY ? HOUR : DAY;
    const first = Math.floor(start / step) * step;
    const buckets = Math.min(Math.max(1, Math.ceil((end - first) / step)), 400);
    const families = new Map<string, number[]>();
    events.forEach((event, i) => {
      const family = event.action.split('.')[0] ?? event.action;
      const index = Math.floor(((times[i] as number) - first) / step);
      if (index < 0 || index >= buckets) return;
      let counts = families.get(family);
      if (!counts) {
        counts = new Array(buckets).fill(0);
        families.set(family, counts);
      }
      counts[index] = (counts[index] ?? 0) + 1;
    });
    const ordered = [...families.entries()].sort((a, b) => sum(b[1]) - sum(a[1]));
    const top = ordered.slice(0, PALETTE.length - 1);
    const rest = ordered.slice(PALETTE.length - 1);
    if (rest.length > 0) {
      const other = new Array(buckets).fill(0);
      for (const [, counts] of rest) {
        counts.forEach((count, k) => {
          other[k] += count;
        });
      }
      top.push(['other', other]);
    }
    const totals = new Array(buckets).fill(0).map((_, i) => top.reduce((acc, [, counts]) => acc + (counts[i] ?? 0), 0));
    return { first, step, buckets, series: top, max: Math.max(1, ...totals) };
  }, [events, since, until]);

  if (!chart) return null;
  const width = 720;
  const height = 90;
  const barWidth = width / chart.buckets;
  const unit = chart.step === HOUR ? 'hour' : 'day';
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-labelledby="chart-title">
        <title id="chart-title">{`Events per ${unit} of the ${events.length} loaded, by action family`}</title>
        {Array.from({ length: chart.buckets }, (_, i) => {
          let y = height;
          return chart.series.map(([family, counts], s) => {
            const count = counts[i] ?? 0;
            if (count === 0) return null;
            const h = (count / chart.max) * (height - 4);
            y -= h;
            return (
              <rect
                key={`${i}-${family}`}
                x={i * barWidth + 0.5}
                y={y}
                width={Math.max(1, barWidth - 1)}
                height={h}
                fill={PALETTE[s]}
              >
                <title>{`${family}: ${count} (${new Date(chart.first + i * chart.step).toLocaleString()})`}</title>
              </rect>
            );
          });
        })}
      </svg>
      <figcaption>
        Events per {unit} (loaded rows):{' '}
        {chart.series.map(([family], s) => (
          <span key={family} class="legend">
            <span class="swatch" data-series={s} aria-hidden="true" />
            {family}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
