// What loading every shop costs, in the units of incremental_scope_weight: all reviews and
// messages (from the count store). Params: none. Returns: weight.
CALL () { MATCH (v:Review) RETURN count(v) AS reviews }
CALL () { MATCH (m:Message) RETURN count(m) AS messages }
RETURN reviews + messages AS weight
