-- Follow-through (SPEC "Follow-through: owners, promised dates, the weekly account").
-- A community's responsible bodies (承办单位) besides the two every community has, which are
-- not stored: 'property' (物业) and 'community' (社区).
CREATE TABLE bodies (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (community_id, name)
) WITHOUT ROWID;

-- Who answers for an issue and by when: the body ('property', 'community' or a bodies.name),
-- optionally a person; the promised local date (YYYY-MM-DD); `past_due` is set by the 09:00
-- follow-up from the day after that date while the issue is active, and cleared by a new date.
ALTER TABLE issues ADD COLUMN body TEXT;
ALTER TABLE issues ADD COLUMN assignee_id INTEGER;
ALTER TABLE issues ADD COLUMN due_date TEXT;
ALTER TABLE issues ADD COLUMN past_due INTEGER NOT NULL DEFAULT 0;
CREATE INDEX issues_due_active ON issues (due_date)
    WHERE due_date IS NOT NULL AND state IN ('open', 'escalated');
CREATE INDEX issues_past_due ON issues (community_id) WHERE past_due = 1;

-- "Many voices make a big matter": followers (reporter not counted) that make a minor issue major.
ALTER TABLE community_settings ADD COLUMN follow_threshold INTEGER NOT NULL DEFAULT 10;

-- "Fixed?" answered by the reporter and the followers: one answer per person and resolution
-- (`resolved_at` names the resolution it rates; a later resolution is rated afresh).
CREATE TABLE issue_ratings (
    issue_id    INTEGER NOT NULL REFERENCES issues (id),
    user_id     INTEGER NOT NULL,
    answer      TEXT    NOT NULL CHECK (answer IN ('fixed', 'partly', 'not_fixed')),
    resolved_at TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    PRIMARY KEY (issue_id, user_id)
) WITHOUT ROWID;
CREATE INDEX issue_ratings_at ON issue_ratings (at);  -- /stats: a month's answers
