-- Consistency after a load run (scripts/load.sh), the same SQL on SQLite and PostgreSQL.
-- Every row printed is a violation; the script fails if any is.
--
-- 1. No activity is overbooked: the assignments holding a place (confirmed, checked in,
--    completed, or marked no-show — a no-show keeps the place it took) number at most
--    headcount_max, and the counter the confirm path increments agrees with them (a counter
--    that drifts would let a later confirm overbook).
SELECT 'overbooked_or_counter_drift' AS violation, a.id AS activity_id,
       a.headcount_max, a.confirmed_count, COUNT(s.id) AS holding_a_place
FROM activities a
LEFT JOIN assignments s
       ON s.activity_id = a.id
      AND s.status IN ('confirmed', 'checked_in', 'completed', 'no_show')
GROUP BY a.id, a.headcount_max, a.confirmed_count
HAVING COUNT(s.id) > a.headcount_max
    OR a.confirmed_count > a.headcount_max
    OR COUNT(s.id) <> a.confirmed_count;

-- 2. No volunteer holds two live assignments (offered, confirmed, checked in) whose times
--    overlap, and none holds two live assignments on one activity.
SELECT 'overlapping_live_assignments' AS violation, x.volunteer_id,
       x.id AS assignment_a, y.id AS assignment_b, x.activity_id, y.activity_id
FROM assignments x
JOIN assignments y
  ON y.volunteer_id = x.volunteer_id
 AND y.id > x.id
 AND x.starts_at < y.ends_at
 AND y.starts_at < x.ends_at
WHERE x.status IN ('offered', 'confirmed', 'checked_in')
  AND y.status IN ('offered', 'confirmed', 'checked_in');
