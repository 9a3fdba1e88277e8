-- Every stored time becomes an instant. TIMESTAMP without a time zone kept wall-clock times that JDBC wrote and read
-- in the JVM's default zone, so a server started under another TZ (or reading a DST zone's repeated hour) saw
-- shifted instants: among them service principal secrets' expires_at, which decides whether a secret still signs
-- in. The conversion reads the old values in the session's zone, which both H2 and the PostgreSQL driver take from
-- the JVM's default zone: the zone they were written in, as long as the server's TZ did not change before this
-- upgrade. From here on the store binds and reads times as UTC offsets (StoredTimes).
ALTER TABLE resources ALTER COLUMN created_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE resources ALTER COLUMN updated_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE principals ALTER COLUMN created_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE principal_secrets ALTER COLUMN created_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE principal_secrets ALTER COLUMN expires_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE operations ALTER COLUMN created_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE operations ALTER COLUMN updated_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE operations ALTER COLUMN ended_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE secrets ALTER COLUMN updated_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE quota_limits ALTER COLUMN updated_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE quota_requests ALTER COLUMN created_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
ALTER TABLE quota_requests ALTER COLUMN decided_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
