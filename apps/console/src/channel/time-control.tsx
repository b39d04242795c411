import { useEffect, useId, useMemo, useState } from 'react';
import type { paths } from '@mandate/client/openapi';
import { type ApiClient, problemText } from '../api/api-client';

type Timeline =
  paths['/v1/workspaces/{workspaceId}/channels/{channelId}/timeline']['get']['responses'][200]['content']['application/json'];

/** One stop of the slider: an instant and what was recorded then (several events may share it). */
interface Stop {
  at: string;
  types: string[];
}

/** Events recorded in the same millisecond are one stop: the page can only show the state after all. */
function stopsOf(timeline: Timeline): Stop[] {
  const stops: Stop[] = [];
  for (const { at, type } of timeline.instants) {
    const last = stops[stops.length - 1];
    if (last?.at === at) last.types.push(type);
    else stops.push({ at, types: [type] });
  }
  return stops;
}

/**
 * A slider over the instants the channel's identity changed (`GET …/timeline`), the last position
 * being now: moving it (arrow keys, Home, End, or the pointer) reads the page as of the change it
 * stops at. The value follows the instant shown, so a date typed in the field moves it too.
 */
export function TimeControl(props: {
  api: ApiClient;
  workspaceId: string;
  channelId: string;
  /** The instant shown (ISO-8601), undefined for now. */
  shownAt: string | undefined;
  onPick: (at: string | undefined) => void;
  onProblem: (problem: string) => void;
}) {
  const id = useId();
  const { api, workspaceId, channelId, onProblem } = props;
  const [timeline, setTimeline] = useState<Timeline>();
  // The stop just moved to, until the page it asked for is shown (then the value follows `shownAt`).
  const [moved, setMoved] = useState<number>();

  useEffect(() => setMoved(undefined), [props.shownAt]);

  useEffect(() => {
    setTimeline(undefined);
    api
      .GET('/v1/workspaces/{workspaceId}/channels/{channelId}/timeline', {
        params: { path: { workspaceId, channelId } },
      })
      .then(
        ({ data, error }) => (data ? setTimeline(data) : onProblem(problemText(error))),
        (error: unknown) => onProblem(problemText(error)),
      );
  }, [api, workspaceId, channelId, onProblem]);

  const stops = useMemo(() => (timeline ? stopsOf(timeline) : []), [timeline]);
  if (timeline === undefined) return null;

  const shownMs = props.shownAt === undefined ? undefined : Date.parse(props.shownAt);
  // The last change at or before the instant shown; past the last stop is now.
  const index =
    moved ??
    (shownMs === undefined
      ? stops.length
      : Math.max(0, stops.filter((stop) => Date.parse(stop.at) <= shownMs).length - 1));
  const describe = (at: number) =>
    at >= stops.length
      ? 'Now'
      : `${new Date(stops[at].at).toLocaleString()} — ${stops[at].types.join(', ')} (change ${at + 1} of ${stops.length})`;

  return (
    <div className="field time-control">
      <label htmlFor={id}>Recorded changes (move to see the channel as of each)</label>
      <input
        id={id}
        type="range"
        min={0}
        max={stops.length}
        step={1}
        value={index}
        aria-valuetext={describe(index)}
        onChange={(event) => {
          const picked = Number(event.target.value);
          setMoved(picked);
          props.onPick(picked >= stops.length ? undefined : stops[picked].at);
        }}
      />
      <output htmlFor={id} aria-live="polite">
        {describe(index)}
        {timeline.truncated ? ' · older changes: type an instant' : ''}
      </output>
    </div>
  );
}
