-- The community's public roster: party members, volunteers, owners' committee, building heads,
-- grid workers and property staff, with name, building and phone.
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind         TEXT    NOT NULL
                 CHECK (kind IN ('party', 'volunteer', 'committee', 'building_head', 'grid', 'property')),
    name         TEXT    NOT NULL,
    phone        TEXT    NOT NULL,
    building     TEXT,
    added_by     INTEGER NOT NULL,
    added_at     TEXT    NOT NULL,
    UNIQUE (community_id, name)
);
