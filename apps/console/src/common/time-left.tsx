import { useNow } from './use-now';

/** "Time left: 12m 03s", counted down from the seconds the API answered at `since`. */
export function TimeLeft({
  seconds,
  since,
  label,
}: {
  seconds: number | null;
  since: number;
  label: string;
}) {
  const now = useNow();
  if (seconds === null) return null;
  const left = Math.max(0, seconds - Math.floor((now - since) / 1000));
  return (
    <span className="time-left" data-testid="time-left">
      {label}: {left === 0 ? 'none' : formatSeconds(left)}
    </span>
  );
}

export function formatSeconds(total: number): string {
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}h ${pad(minutes)}m` : `${minutes}m ${pad(seconds)}s`;
}
