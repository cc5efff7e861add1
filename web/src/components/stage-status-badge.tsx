/** @module A stage's status as a small coloured badge. */
import { Badge } from '@mantine/core';
import type { StageStatusView } from '../api-client.ts';

const LOOK: Record<StageStatusView['status'], { color: string; label: string }> = {
  not_started: { color: 'gray', label: 'not started' },
  running: { color: 'blue', label: 'running' },
  success: { color: 'teal', label: 'complete' },
  error: { color: 'red', label: 'failed' },
  stale: { color: 'yellow', label: 'stale' },
  cancelled: { color: 'gray', label: 'cancelled' },
};

/** Props of {@link StageStatusBadge}. */
export interface StageStatusBadgeProps {
  /** The stage's status. */
  view: Pick<StageStatusView, 'status' | 'zero_rows'>;
  /** Shows the stalled look instead (a running job without heartbeat). */
  stalled?: boolean;
}

/** Status badge; a successful stage that found nothing says so. */
export function StageStatusBadge({ view, stalled }: StageStatusBadgeProps) {
  if (stalled) {
    return <Badge color="orange">stalled</Badge>;
  }
  const look = LOOK[view.status];
  return (
    <Badge color={look.color} data-status={view.status}>
      {view.status === 'success' && view.zero_rows ? 'complete · none found' : look.label}
    </Badge>
  );
}
