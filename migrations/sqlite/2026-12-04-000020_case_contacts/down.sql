DROP TABLE case_contacts;
