DROP INDEX star_awards_stats_idx;
DROP INDEX volunteers_stats_idx;
DROP INDEX activities_stats_idx;
DROP INDEX service_records_scope_idx;
DROP INDEX service_records_stats_idx;
DROP TABLE service_record_sync;
