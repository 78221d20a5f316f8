// Account names, for masking them in marketplace text (queries/account_names_among.cypher):
// one index seek per word of the text a masked caller reads.
CREATE INDEX account_name IF NOT EXISTS FOR (n:Account) ON (n.name);
