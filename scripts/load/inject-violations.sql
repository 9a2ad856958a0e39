-- Self-test of consistency.sql (scripts/load.sh runs it inside a transaction it rolls back):
-- one violation of each kind, so that a query which stopped finding them fails the run.
--
-- Overbooking: an offer turned confirmed behind the counter's back, preferably on an
-- activity whose places are all taken (then it is overbooked; elsewhere the counter drifts,
-- which the query reports under the same name).
UPDATE assignments SET status = 'confirmed'
WHERE id = (SELECT s.id FROM assignments s JOIN activities a ON a.id = s.activity_id
            WHERE s.status = 'offered'
            ORDER BY CASE WHEN a.confirmed_count = a.headcount_max THEN 0 ELSE 1 END, s.id
            LIMIT 1);
-- Overlap: a second live assignment for a volunteer, on another activity, at the same times
-- as one the volunteer already holds.
INSERT INTO assignments (activity_id, volunteer_id, org_path, status, starts_at, ends_at,
                         offered_at, break_minutes, updated_at)
SELECT y.id, s.volunteer_id, s.org_path, 'offered', s.starts_at, s.ends_at, s.offered_at, 0,
       s.updated_at
FROM assignments s
JOIN activities y ON y.id <> s.activity_id
WHERE s.status IN ('offered', 'confirmed')
  AND NOT EXISTS (SELECT 1 FROM assignments z
                  WHERE z.activity_id = y.id AND z.volunteer_id = s.volunteer_id)
ORDER BY s.id, y.id
LIMIT 1;
