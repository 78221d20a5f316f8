// Which of these words are the name of some account: free-text masking looks up the words of
// marketplace text (reviews, messages, memos) a masked caller is about to see.
// Params: $names [string] (distinct)
UNWIND $names AS name
MATCH (a:Account {name: name})
RETURN DISTINCT name
