DELETE FROM settings WHERE key = 'document_max_mb';
DROP TABLE document_contents;
DROP TABLE documents;
