-- Hashed secrets cannot be turned back into addresses: nothing to undo.
SELECT 1;
