-- Batch dispatch plans (DOMAIN "Matching and dispatch" 4): an optimal assignment over many
-- activities that a coordinator proposes, reviews and commits once, as offers. The plan is
-- JSON text: written whole, read whole, never queried inside. It belongs to its creator's
-- organisation (org_path), like every other object, for the subtree checks.
CREATE TABLE dispatch_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    org_path TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'committed')),
    plan TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    committed_at TIMESTAMP,
    CHECK ((status = 'committed') = (committed_at IS NOT NULL))
);
CREATE INDEX dispatch_plans_org_path_idx ON dispatch_plans (org_path, id);
