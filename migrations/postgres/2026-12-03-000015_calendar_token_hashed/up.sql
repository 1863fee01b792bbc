-- The calendar feed's secret is kept as its SHA-256 hash (64 hex characters), like any other
-- capability, so a copy of the database does not give anyone's feed away. A secret kept in
-- plain text before this cannot be hashed here: it is withdrawn, and its owner makes a new
-- calendar address on their account page.
UPDATE users SET calendar_token = NULL WHERE length(calendar_token) <> 64;
