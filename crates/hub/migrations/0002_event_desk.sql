-- The desk that held the lease on the event's invoice (a redemption made through the hub), so
-- the other desks can say who did it.
ALTER TABLE events ADD COLUMN desk TEXT;
