-- One schema for SQLite and PostgreSQL: only BIGINT and TEXT columns, times in Unix milliseconds.

-- Hub-wide values made once: the webhook path secret and the key of the authorization HMACs.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Enrolled desks. Only hashes of the enrollment code and of the token are kept.
CREATE TABLE desks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    center_id TEXT,
    enroll_hash TEXT UNIQUE,
    enroll_expires_ms BIGINT,
    token_hash TEXT UNIQUE,
    created_ms BIGINT NOT NULL,
    enrolled_ms BIGINT,
    revoked_ms BIGINT
);

-- Counters updated inside the transaction that uses them: events get their sequence numbers in
-- commit order (a second writer waits on this row until the first commits).
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('events', 0);

-- The organization's one token bucket (a single row), in thousandths of a token.
CREATE TABLE budget (
    id BIGINT PRIMARY KEY,
    capacity BIGINT NOT NULL,
    calls_per_window BIGINT NOT NULL,
    window_ms BIGINT NOT NULL,
    tokens_milli BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    frozen_until_ms BIGINT NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO budget VALUES (1, 60, 60, 60000, 60000, 0, 0, 0);

-- Webhook events Zenoti posted, in sequence order.
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    received_ms BIGINT NOT NULL,
    envelope_key TEXT NOT NULL UNIQUE,
    envelope_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT,
    kind TEXT NOT NULL,
    center_key TEXT,
    center_id TEXT,
    guest_id TEXT,
    invoice_id TEXT,
    user_package_id TEXT,
    body TEXT NOT NULL
);
CREATE INDEX events_received ON events (received_ms);
CREATE INDEX events_center ON events (center_key, seq);

-- Bodies that were not JSON or not an event we read, kept for a person to look at.
CREATE TABLE quarantine (
    id TEXT PRIMARY KEY,
    received_ms BIGINT NOT NULL,
    problem TEXT NOT NULL,
    body_base64 TEXT NOT NULL
);
CREATE INDEX quarantine_received ON quarantine (received_ms);

-- Cross-desk invoice leases; invoice_key is the invoice id in lower case.
CREATE TABLE leases (
    invoice_key TEXT PRIMARY KEY,
    lease_id TEXT NOT NULL UNIQUE,
    desk_id TEXT NOT NULL,
    employee TEXT NOT NULL,
    since_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);

-- Catalog answers shared by the desks, keyed by path and query.
CREATE TABLE catalog_cache (
    cache_key TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL,
    fetched_ms BIGINT NOT NULL
);

-- HMACs of Zenoti Authorization headers Zenoti accepted, and when (never the header).
CREATE TABLE accepted_auth (
    auth_hmac TEXT PRIMARY KEY,
    accepted_ms BIGINT NOT NULL
);
